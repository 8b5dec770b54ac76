using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.PostHogApi
{
    /// <summary>
    /// Event capture. PostHog's capture checks only the key's shape: a wrong but well-formed phc_ key still gets
    /// 200, which is why a green capture proves nothing about the key.
    /// </summary>
    static class CaptureEndpoints
    {
        public static void Map(IEndpointRouteBuilder routes)
        {
            routes.MapPost("/i/v0/e", CaptureAsync);
            routes.MapPost("/batch", CaptureAsync);
        }

        static async Task CaptureAsync(HttpContext http)
        {
            var payload = await PostHogPayload.ReadAsync(http.Request);
            if (!payload.IsJson)
            {
                await PostHogErrors.InvalidPayloadAsync(http);
            }
            else if (string.IsNullOrEmpty(payload.ProjectKey))
            {
                await PostHogErrors.MissingProjectKeyAsync(http);
            }
            else if (!payload.ProjectKey.StartsWith("phc_", StringComparison.Ordinal))
            {
                await PostHogErrors.InvalidProjectKeyAsync(http);
            }
            else
            {
                await http.WriteJsonAsync(StatusCodes.Status200OK, new JsonObject { ["status"] = "Ok" });
            }
        }
    }
}
