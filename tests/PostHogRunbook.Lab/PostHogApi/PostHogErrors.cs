using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.PostHogApi
{
    /// <summary>PostHog's error answers, in its own shape: {"type","code","detail","attr"}.</summary>
    static class PostHogErrors
    {
        public static Task InvalidProjectKeyAsync(HttpContext context) =>
            WriteAsync(context, StatusCodes.Status401Unauthorized, "authentication_error", "invalid_api_key",
                "Project API key invalid. You can find your project API key in PostHog project settings.");

        public static Task MissingProjectKeyAsync(HttpContext context) =>
            WriteAsync(context, StatusCodes.Status401Unauthorized, "authentication_error", "invalid_api_key",
                "API key not provided. You can find your project API key in PostHog project settings.");

        public static Task InvalidPersonalKeyAsync(HttpContext context) =>
            WriteAsync(context, StatusCodes.Status401Unauthorized, "authentication_error", "authentication_failed",
                "Personal API key is invalid.");

        public static Task InvalidPayloadAsync(HttpContext context) =>
            WriteAsync(context, StatusCodes.Status400BadRequest, "validation_error", "invalid_payload",
                "Malformed request data: the request body is not valid JSON.");

        public static Task ThrottledAsync(HttpContext context)
        {
            context.Response.Headers.RetryAfter = "30";
            return WriteAsync(context, StatusCodes.Status429TooManyRequests, "throttled_error", "throttled",
                "Request was throttled. Expected available in 30 seconds.");
        }

        static Task WriteAsync(HttpContext context, int status, string type, string code, string detail) =>
            context.WriteJsonAsync(status, new JsonObject
            {
                ["type"] = type,
                ["code"] = code,
                ["detail"] = detail,
                ["attr"] = null,
            });
    }
}
