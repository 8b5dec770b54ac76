using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PostHogRunbook.Lab.Hosting
{
    /// <summary>Writing an answer: JSON built as nodes (so field names are exactly the wire's), or plain text.</summary>
    static class LabResponses
    {
        public const string Json = "application/json";
        public const string Html = "text/html; charset=utf-8";
        public const string Text = "text/plain; charset=utf-8";

        /// <summary>
        /// JSON as the real services write it: quotes and non-ASCII text as themselves, not as \u escapes (the
        /// default encoder escapes for embedding in HTML, which no client of the lab does).
        /// </summary>
        public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        public static Task WriteJsonAsync(this HttpContext context, int status, JsonNode body) =>
            context.WriteTextAsync(status, Json, body.ToJsonString(JsonOptions));

        public static async Task WriteTextAsync(this HttpContext context, int status, string contentType, string body)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }

        /// <summary>An ISO 8601 UTC timestamp, as the real services write them.</summary>
        public static string Iso(DateTimeOffset at) =>
            at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }
}
