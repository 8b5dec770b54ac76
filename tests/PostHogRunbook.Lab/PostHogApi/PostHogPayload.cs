using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PostHogRunbook.Lab.PostHogApi
{
    /// <summary>
    /// A PostHog request body, read far enough to find the project key: the top-level "api_key" or "token", an
    /// event's properties.token, or the first event of a batch (capture's SDKs put it in each of those places).
    /// </summary>
    sealed record PostHogPayload(bool IsJson, string? ProjectKey)
    {
        public static async Task<PostHogPayload> ReadAsync(HttpRequest request)
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
                return new PostHogPayload(true, FindKey(document.RootElement));
            }
            catch (JsonException)
            {
                return new PostHogPayload(false, null);
            }
        }

        static string? FindKey(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var name in new[] { "api_key", "token" })
                    {
                        if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                        {
                            return value.GetString();
                        }
                    }

                    if (element.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object &&
                        properties.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String)
                    {
                        return token.GetString();
                    }

                    return element.TryGetProperty("batch", out var batch) ? FindKey(batch) : null;
                case JsonValueKind.Array:
                    return element.GetArrayLength() > 0 ? FindKey(element[0]) : null;
                default:
                    return null;
            }
        }
    }
}
