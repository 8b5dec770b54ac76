using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace PostHogRunbook.Lab.App
{
    /// <summary>Our own app, the integration that talks to PostHog: its health and its metrics.</summary>
    static class AppPart
    {
        public const string Name = "app";

        public static void Map(WebApplication app, LabContext context, IntegrationCounters counters)
        {
            app.MapGet("/health", http => HealthEndpoint.AnswerAsync(http, context));
            app.MapGet("/metrics", http => MetricsEndpoint.AnswerAsync(http, context, counters));
        }
    }
}
