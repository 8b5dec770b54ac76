using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.PostHogApi
{
    /// <summary>
    /// Feature flag evaluation, /flags (v2 shape) and the older /decide/: unlike capture, these look the project key
    /// up, which is why the runbook probes them to tell a wrong key from a broken PostHog.
    /// </summary>
    static class FlagsEndpoints
    {
        const string FlagKey = "new-onboarding";

        public static void Map(IEndpointRouteBuilder routes, ProjectKeyRegistry keys)
        {
            routes.MapPost("/flags", http => AnswerAsync(http, keys, Flags));
            routes.MapPost("/decide", http => AnswerAsync(http, keys, Decide));
        }

        static async Task AnswerAsync(HttpContext http, ProjectKeyRegistry keys, Func<JsonObject> body)
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
            else if (!keys.IsValid(payload.ProjectKey))
            {
                await PostHogErrors.InvalidProjectKeyAsync(http);
            }
            else
            {
                await http.WriteJsonAsync(StatusCodes.Status200OK, body());
            }
        }

        static JsonObject Flags() => new()
        {
            ["flags"] = new JsonObject
            {
                [FlagKey] = new JsonObject
                {
                    ["key"] = FlagKey,
                    ["enabled"] = true,
                    ["variant"] = null,
                    ["reason"] = new JsonObject
                    {
                        ["code"] = "condition_match",
                        ["condition_index"] = 0,
                        ["description"] = "Matched condition set 1",
                    },
                    ["metadata"] = new JsonObject { ["id"] = 1, ["version"] = 1, ["payload"] = null },
                },
            },
            ["errorsWhileComputingFlags"] = false,
            ["requestId"] = Guid.NewGuid().ToString(),
        };

        static JsonObject Decide() => new()
        {
            ["featureFlags"] = new JsonObject { [FlagKey] = true },
            ["featureFlagPayloads"] = new JsonObject(),
            ["errorsWhileComputingFlags"] = false,
        };
    }
}
