using Microsoft.AspNetCore.Builder;

namespace PostHogRunbook.Lab.PostHogApi
{
    /// <summary>The PostHog API (ingestion and private API on one listener), faults first, from the current scenario.</summary>
    static class PostHogApiPart
    {
        public const string Name = "posthog";

        public static void Map(WebApplication app, LabContext context, ProjectKeyRegistry keys)
        {
            app.Use(async (http, next) =>
            {
                if (!await PostHogFaults.TryAnswerAsync(http, context.Scenario.PostHogApi))
                {
                    await next(http);
                }
            });
            FlagsEndpoints.Map(app, keys);
            CaptureEndpoints.Map(app);
            PrivateApiEndpoints.Map(app);
        }
    }
}
