using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>Writing JSON answers, and reading what clients send, the way the API server negotiates them.</summary>
    internal static class ApiResponses
    {
        const int MaxBodyBytes = 3 * 1024 * 1024;

        static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        public static async Task WriteJsonAsync(HttpContext http, int statusCode, JsonNode body, CancellationToken cancellationToken)
        {
            var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(Compact));
            http.Response.StatusCode = statusCode;
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = bytes.Length;
            await http.Response.Body.WriteAsync(bytes, cancellationToken);
        }

        public static Task WriteStatusAsync(HttpContext http, KubernetesStatusException failure, CancellationToken cancellationToken) =>
            WriteJsonAsync(http, failure.Code, failure.ToStatus(), cancellationToken);

        public static string Serialize(JsonNode node) => node.ToJsonString(Compact);

        /// <summary>kubectl get asks for a Table first (Accept: application/json;as=Table;v=v1;g=meta.k8s.io, ...).</summary>
        public static bool WantsTable(HttpRequest request) =>
            request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

        /// <summary>
        /// The lab speaks JSON only. A client that accepts nothing else (protobuf only) gets 406, which is what
        /// makes client-go fall back; a client that also accepts JSON or anything gets JSON.
        /// </summary>
        public static void RequireJsonAccepted(HttpRequest request)
        {
            var accept = request.Headers.Accept.ToString();
            if (accept.Length == 0)
            {
                return;
            }

            foreach (var part in accept.Split(','))
            {
                var mediaType = part.Split(';')[0].Trim();
                if (mediaType is "application/json" or "*/*" or "application/*")
                {
                    return;
                }
            }

            throw new KubernetesStatusException(406, "NotAcceptable", "only the following media types are accepted: application/json, application/json;stream=watch");
        }

        /// <summary>The media type of a request body, without parameters.</summary>
        public static string ContentType(HttpRequest request) =>
            (request.ContentType ?? "application/json").Split(';')[0].Trim().ToLowerInvariant();

        public static async Task<JsonNode> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
        {
            var body = await ReadBodyAsync(request, cancellationToken);
            try
            {
                return JsonNode.Parse(body) ?? throw StatusObjects.BadRequest("the body of the request was null");
            }
            catch (JsonException e)
            {
                throw StatusObjects.BadRequest($"error decoding from json: {e.Message}");
            }
        }

        /// <summary>The whole body, refused past the API server's 3 MiB, and never empty.</summary>
        public static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    throw new KubernetesStatusException(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
                }

                buffer.Write(chunk, 0, read);
            }

            if (buffer.Length == 0)
            {
                throw StatusObjects.BadRequest("the body of the request was empty");
            }

            return buffer.ToArray();
        }
    }
}
