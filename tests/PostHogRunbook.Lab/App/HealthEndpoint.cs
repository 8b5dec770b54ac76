using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.App
{
    /// <summary>
    /// Our app's GET /health: its overall status and its own view of each dependency; .services.posthog is what
    /// the runbook's AppHealth check reads.
    /// </summary>
    static class HealthEndpoint
    {
        public const string Version = "1.4.2";

        public static Task AnswerAsync(HttpContext http, LabContext context)
        {
            var (httpStatus, overall, posthog) = context.Scenario.App switch
            {
                AppHealthBehaviour.PostHogDegraded => (StatusCodes.Status200OK, "degraded", "degraded"),
                AppHealthBehaviour.PostHogDown => (StatusCodes.Status200OK, "degraded", "down"),
                // Our own service is down; its view of PostHog is still fine: the fault is ours, not PostHog's.
                AppHealthBehaviour.AppDown => (StatusCodes.Status503ServiceUnavailable, "down", "ok"),
                _ => (StatusCodes.Status200OK, "ok", "ok"),
            };
            return http.WriteJsonAsync(httpStatus, new JsonObject
            {
                ["status"] = overall,
                ["version"] = Version,
                ["checkedAt"] = LabResponses.Iso(DateTimeOffset.UtcNow),
                ["services"] = new JsonObject
                {
                    ["posthog"] = posthog,
                    ["database"] = "ok",
                    ["redis"] = "ok",
                },
            });
        }
    }
}
