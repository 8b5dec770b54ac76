using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.Notify
{
    /// <summary>
    /// PagerDuty's Events API v2 enqueue: 202 {status: success, message: Event processed, dedup_key} for a valid event;
    /// 400 {status: invalid event, message: Event object is invalid, errors: [...]} naming each problem, as PagerDuty does.
    /// </summary>
    static class PagerDutyEvents
    {
        /// <summary>An integration key of PagerDuty's shape: 32 characters.</summary>
        public const string RoutingKey = "R0LABPAGERDUTYROUTINGKEY00000001";

        static readonly string[] Actions = { "trigger", "acknowledge", "resolve" };
        static readonly string[] Severities = { "critical", "error", "warning", "info" };
        static readonly string[] NotJson = { "Event object is not valid JSON" };
        static readonly string[] UnknownKey = { "Invalid routing key" };

        public static Task AnswerAsync(HttpContext http, string body)
        {
            var errors = new List<string>();
            var payload = NotifyPart.ParseObject(body);
            if (payload is null)
            {
                return Invalid(http, NotJson);
            }

            var key = payload["routing_key"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)payload["routing_key"] : null;
            if (key is null)
            {
                errors.Add("'routing_key' is missing or blank");
            }
            else if (key.Length != 32)
            {
                errors.Add("Length of 'routing_key' is incorrect (should be 32 characters)");
            }

            var action = (string?)payload["event_action"];
            if (action is null || !Actions.Contains(action))
            {
                errors.Add("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')");
            }

            var dedup = (string?)payload["dedup_key"];
            if (action is "acknowledge" or "resolve" && string.IsNullOrEmpty(dedup))
            {
                errors.Add("'dedup_key' is missing or blank");
            }

            if (action == "trigger")
            {
                var details = payload["payload"] as JsonObject;
                if (details is null)
                {
                    errors.Add("'payload' is missing or blank");
                }
                else
                {
                    if (string.IsNullOrEmpty((string?)details["summary"]))
                    {
                        errors.Add("'payload.summary' is missing or blank");
                    }

                    if (string.IsNullOrEmpty((string?)details["source"]))
                    {
                        errors.Add("'payload.source' is missing or blank");
                    }

                    if (!Severities.Contains((string?)details["severity"]))
                    {
                        errors.Add("'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')");
                    }
                }
            }

            if (errors.Count > 0)
            {
                return Invalid(http, errors);
            }

            if (key != RoutingKey)
            {
                // A well-formed key of no service: PagerDuty accepts the shape and answers 400 for an unknown key's event.
                return Invalid(http, UnknownKey);
            }

            return http.WriteJsonAsync(StatusCodes.Status202Accepted, new JsonObject
            {
                ["status"] = "success",
                ["message"] = "Event processed",
                ["dedup_key"] = string.IsNullOrEmpty(dedup) ? Guid.NewGuid().ToString("N") : dedup,
            });
        }

        static Task Invalid(HttpContext http, IEnumerable<string> errors) =>
            http.WriteJsonAsync(StatusCodes.Status400BadRequest, new JsonObject
            {
                ["status"] = "invalid event",
                ["message"] = "Event object is invalid",
                ["errors"] = new JsonArray(errors.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
            });
    }
}
