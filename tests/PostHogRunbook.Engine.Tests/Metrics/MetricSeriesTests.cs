using PostHogRunbook.Engine.Metrics;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Metrics
{
    public class MetricSeriesTests
    {
        [Theory]
        [InlineData("posthog_errors_total", null, "posthog_errors_total")]
        [InlineData("posthog_errors_total", "", "posthog_errors_total")]
        [InlineData("posthog_errors_total", "namespace=\"posthog\"", "posthog_errors_total{namespace=\"posthog\"}")]
        [InlineData("posthog_errors_total", "{namespace=\"posthog\"}", "posthog_errors_total{namespace=\"posthog\"}")]
        [InlineData("posthog_errors_total", "world=\"a\", job=~\"lab.*\"", "posthog_errors_total{world=\"a\", job=~\"lab.*\"}")]
        [InlineData("posthog_errors_total{job=\"app\"}", "namespace=\"posthog\"", "posthog_errors_total{job=\"app\",namespace=\"posthog\"}")]
        [InlineData("posthog_errors_total{}", "namespace=\"posthog\"", "posthog_errors_total{namespace=\"posthog\"}")]
        public void Adds_the_selector_to_the_metric_as_promql_writes_it(string metric, string? selector, string expected)
        {
            Assert.Equal(expected, MetricSeries.Select(metric, selector));
        }
    }
}
