using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.StatusPage
{
    /// <summary>
    /// The two generations of PostHog's status page, each on its own listener. Each answers only its own API (the
    /// other generation's paths are 404, as on the real sites), from the scenario current at the request.
    /// </summary>
    static class StatusPageParts
    {
        public const string IncidentIoName = "statusPage";
        public const string StatuspageName = "statusPageV2";

        public static void MapIncidentIo(WebApplication app, LabContext context)
        {
            UseFaults(app, context, "{\"page_title\":\"PostHog\",\"ongoing_incidents\": [");
            app.MapGet("/api/v1/summary", http =>
            {
                var state = DeclaredStatus.For(context.Scenario.StatusPage, context.ScenarioStartedAt);
                return http.WriteJsonAsync(StatusCodes.Status200OK, IncidentIoSummary.Render(state, PageUrl(http)));
            });
        }

        public static void MapStatuspage(WebApplication app, LabContext context)
        {
            UseFaults(app, context, "{\"page\":{\"id\":\"lab0posthog1\",\"name\":\"PostHog\"},\"components\": [");
            app.MapGet("/api/v2/summary.json", http =>
            {
                var state = DeclaredStatus.For(context.Scenario.StatusPage, context.ScenarioStartedAt);
                return http.WriteJsonAsync(StatusCodes.Status200OK, StatuspageSummary.RenderSummary(state, PageUrl(http), DateTimeOffset.UtcNow));
            });
            app.MapGet("/api/v2/status.json", http =>
            {
                var state = DeclaredStatus.For(context.Scenario.StatusPage, context.ScenarioStartedAt);
                return http.WriteJsonAsync(StatusCodes.Status200OK, StatuspageSummary.RenderStatus(state, PageUrl(http), DateTimeOffset.UtcNow));
            });
        }

        static void UseFaults(WebApplication app, LabContext context, string truncatedJson) =>
            app.Use(async (http, next) =>
            {
                if (!await StatusPageFaults.TryAnswerAsync(http, context.Scenario.StatusPage, truncatedJson))
                {
                    await next(http);
                }
            });

        // Links on the page point back at the lab, never at the real site.
        static string PageUrl(HttpContext http) => http.Request.Scheme + "://" + http.Request.Host.Value;
    }
}
