using PostHogRunbook.Lab;
using PostHogRunbook.Lab.Kubernetes;
using Xunit;

namespace PostHogRunbook.Engine.Tests.LabKubernetes
{
    public class PodLogScriptTests
    {
        // When the container started: fixed, as it is in a pod's status.
        static readonly DateTimeOffset RunStart = DateTimeOffset.UtcNow.AddDays(-3);

        static PodLogScript Script(string scenario, DateTimeOffset now, long bytes, RunEnding ending = RunEnding.StillRunning) =>
            new("posthog-integration-abc-12345", "integration", ContainerRole.Main, LabScenario.Find(scenario), LabKeys.Good, LabKeys.Personal,
                RunStart, now.AddMinutes(-10), now, ending, bytes);

        [Theory]
        [InlineData(1L)]
        [InlineData(100L)]
        [InlineData(65_537L)]
        [InlineData(2_000_003L)]
        public void A_sized_log_is_exactly_that_many_bytes(long bytes)
        {
            var size = Script("server-errors", DateTimeOffset.UtcNow, bytes).Lines().Sum(l => (long)l.Text.Length + 1);

            Assert.Equal(bytes, size);
        }

        [Theory]
        [InlineData(1_000L)]
        [InlineData(1_000_001L)]
        public void A_crashed_runs_sized_log_ends_with_its_panic_and_is_still_exact(long bytes)
        {
            var lines = Script("infra-down", DateTimeOffset.UtcNow, bytes, RunEnding.Panic).Lines().ToList();

            Assert.Equal(bytes, lines.Sum(l => (long)l.Text.Length + 1));
            Assert.Contains(lines.TakeLast(8), l => l.Text.StartsWith("panic: ", StringComparison.Ordinal));
        }

        [Fact]
        public void Lines_are_in_time_order_inside_the_window()
        {
            var now = DateTimeOffset.UtcNow;
            var lines = Script("rate-limited", now, 500_000).Lines().ToList();

            Assert.All(lines.Zip(lines.Skip(1)), pair => Assert.True(pair.First.At <= pair.Second.At));
            Assert.True(lines[0].At >= now.AddMinutes(-10));
            Assert.True(lines[^1].At <= now);
            Assert.Contains(lines, l => l.Text.Contains(" ERROR posthog request failed status=429 ", StringComparison.Ordinal));
        }

        [Fact]
        public void The_same_moment_reads_the_same_line_whenever_the_log_is_read()
        {
            var now = DateTimeOffset.UtcNow;
            var first = Script("us-outage", now, 0).Lines().ToDictionary(l => l.At, l => l.Text);
            var later = Script("us-outage", now.AddSeconds(7), 0).Lines().ToList();

            var shared = later.Where(l => first.ContainsKey(l.At)).ToList();
            Assert.True(shared.Count > 200, $"only {shared.Count} lines in common");
            Assert.All(shared, l => Assert.Equal(first[l.At], l.Text));
        }

        [Fact]
        public void Error_share_follows_the_scenarios_rates()
        {
            var now = DateTimeOffset.UtcNow;
            int Errors(string scenario) => Script(scenario, now, 2_000_000).Lines().Count(l => l.Text.Contains(" ERROR posthog", StringComparison.Ordinal));

            Assert.Equal(0, Errors("healthy"));
            Assert.True(Errors("us-outage") > 4 * Errors("maintenance"));
            Assert.True(Errors("maintenance") > 0);
        }
    }
}
