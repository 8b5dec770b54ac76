using System.Globalization;
using System.Net;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Lab
{
    public class AppLabTests
    {
        static readonly string[] AlwaysExposed =
        {
            "posthog_errors_total{status=\"401\"}", "posthog_errors_total{status=\"403\"}", "posthog_errors_total{status=\"429\"}",
            "posthog_errors_total{status=\"503\"}", "posthog_errors_total{status=\"timeout\"}", "posthog_requests_total",
        };

        [Fact]
        public async Task Metrics_never_decrease_across_scenario_switches()
        {
            await using var lab = await RunningLab.StartAsync("us-outage");

            await Task.Delay(150);
            var duringOutage = await ScrapeAsync(lab);
            await lab.SwitchScenarioAsync("healthy");
            var afterSwitch = await ScrapeAsync(lab);
            await Task.Delay(100);
            var later = await ScrapeAsync(lab);
            await lab.SwitchScenarioAsync("rate-limited");
            var afterSecondSwitch = await ScrapeAsync(lab);

            Assert.All(AlwaysExposed, series => Assert.True(duringOutage.ContainsKey(series), series));
            Assert.True(duringOutage["posthog_errors_total{status=\"503\"}"] > 0);
            var readings = new[] { duringOutage, afterSwitch, later, afterSecondSwitch };
            foreach (var series in AlwaysExposed)
            {
                for (var i = 1; i < readings.Length; i++)
                {
                    Assert.True(readings[i][series] >= readings[i - 1][series], $"{series} went from {readings[i - 1][series]} to {readings[i][series]}");
                }
            }

            // Healthy adds no 503s, but the integration keeps sending requests.
            Assert.Equal(afterSwitch["posthog_errors_total{status=\"503\"}"], later["posthog_errors_total{status=\"503\"}"]);
            Assert.True(later["posthog_requests_total"] > afterSwitch["posthog_requests_total"]);
        }

        [Fact]
        public async Task Metrics_use_the_prometheus_text_format()
        {
            await using var lab = await RunningLab.StartAsync();

            using var response = await lab.GetAsync(lab.Endpoints.AppUrl + "/metrics");
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains("# TYPE posthog_errors_total counter\n", text, StringComparison.Ordinal);
            Assert.Contains("# TYPE posthog_requests_total counter\n", text, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("healthy", HttpStatusCode.OK, "ok", "ok")]
        [InlineData("rate-limited", HttpStatusCode.OK, "degraded", "degraded")]
        [InlineData("us-outage", HttpStatusCode.OK, "degraded", "down")]
        [InlineData("infra-down", HttpStatusCode.ServiceUnavailable, "down", "ok")]
        public async Task Health_reports_the_scenario(string scenario, HttpStatusCode status, string overall, string posthog)
        {
            await using var lab = await RunningLab.StartAsync(scenario);

            using var response = await lab.GetAsync(lab.Endpoints.AppUrl + "/health");
            var health = await RunningLab.JsonAsync(response);

            Assert.Equal(status, response.StatusCode);
            Assert.Equal(overall, health.GetProperty("status").GetString());
            Assert.Equal(posthog, health.GetProperty("services").GetProperty("posthog").GetString());
        }

        static async Task<Dictionary<string, double>> ScrapeAsync(RunningLab lab)
        {
            var text = await lab.Http.GetStringAsync(lab.Endpoints.AppUrl + "/metrics");
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(line => !line.StartsWith('#'))
                .Select(line => line.Split(' '))
                .ToDictionary(parts => parts[0], parts => double.Parse(parts[1], CultureInfo.InvariantCulture));
        }
    }
}
