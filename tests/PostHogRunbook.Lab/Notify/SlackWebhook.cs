using Microsoft.AspNetCore.Http;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.Notify
{
    /// <summary>
    /// A Slack incoming webhook: 200 with the body "ok" for a JSON payload with text or blocks; else Slack's documented
    /// plain-text errors. The webhook's last path segment can name one, to reach each error path:
    /// .../channel_not_found answers 404 channel_not_found, as a webhook whose channel was deleted does.
    /// </summary>
    static class SlackWebhook
    {
        /// <summary>The lab's good webhook: the path is the credential, as Slack's is.</summary>
        public const string GoodPath = "/services/T0LAB0000/B0LAB0000/LabWebhookSecret0123456789";

        static readonly Dictionary<string, int> DocumentedErrors = new(StringComparer.Ordinal)
        {
            ["invalid_payload"] = StatusCodes.Status400BadRequest,
            ["action_prohibited"] = StatusCodes.Status403Forbidden,
            ["channel_not_found"] = StatusCodes.Status404NotFound,
            ["channel_is_archived"] = StatusCodes.Status410Gone,
            ["no_service"] = StatusCodes.Status404NotFound,
        };

        public static Task AnswerAsync(HttpContext http, string body)
        {
            var path = http.Request.Path.Value ?? string.Empty;
            var last = path[(path.LastIndexOf('/') + 1)..];
            if (DocumentedErrors.TryGetValue(last, out var status))
            {
                return http.WriteTextAsync(status, LabResponses.Text, last);
            }

            if (!string.Equals(path, GoodPath, StringComparison.Ordinal))
            {
                return http.WriteTextAsync(StatusCodes.Status404NotFound, LabResponses.Text, "no_service");
            }

            var payload = NotifyPart.ParseObject(body);
            if (payload is null || (payload["text"] is null && payload["blocks"] is null))
            {
                return http.WriteTextAsync(StatusCodes.Status400BadRequest, LabResponses.Text, "invalid_payload");
            }

            return http.WriteTextAsync(StatusCodes.Status200OK, LabResponses.Text, "ok");
        }
    }
}
