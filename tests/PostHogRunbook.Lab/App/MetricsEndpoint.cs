using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.App
{
    /// <summary>Our app's GET /metrics, in Prometheus's text exposition format 0.0.4, for the real Prometheus to scrape.</summary>
    static class MetricsEndpoint
    {
        public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

        public static Task AnswerAsync(HttpContext http, LabContext context, IntegrationCounters counters)
        {
            var reading = counters.Read(context.Scenario);
            var text = new StringBuilder();
            text.Append("# HELP posthog_errors_total Failed calls from the integration to PostHog, by HTTP status (or timeout).\n");
            text.Append("# TYPE posthog_errors_total counter\n");
            foreach (var (status, value) in reading.ErrorsByStatus.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"posthog_errors_total{{status=\"{status}\"}} {Format(value)}\n");
            }

            text.Append("# HELP posthog_requests_total Calls from the integration to PostHog.\n");
            text.Append("# TYPE posthog_requests_total counter\n");
            text.Append(CultureInfo.InvariantCulture, $"posthog_requests_total {Format(reading.Requests)}\n");
            return http.WriteTextAsync(StatusCodes.Status200OK, ContentType, text.ToString());
        }

        // Rounding is monotonic, so a growing counter still never shows a smaller value.
        static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
