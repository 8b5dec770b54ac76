using PostHogRunbook.Engine.Comms;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Tests.Journal;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Comms
{
    public class PostmortemWriterTests
    {
        [Fact]
        public async Task The_postmortem_is_filled_from_the_journal()
        {
            using var world = new JournalTestWorld();
            var incident = await world.Journal().OpenAsync(IncidentOpening.FromReport(world.Report()), default);
            world.Clock.Advance(TimeSpan.FromMinutes(4));
            await world.Journal().AppendAsync(incident.Id, IncidentRecord.ActionTaken("EnableFallback", "deployment/posthog-integration", "app", "POSTHOG_FALLBACK unset", "POSTHOG_FALLBACK=true", RemediationOutcome.Applied, "Undo-PostHogRemediation"), default);
            world.Clock.Advance(TimeSpan.FromMinutes(41));
            await world.Journal().AppendAsync(incident.Id, IncidentRecord.Note("PostHog recovered"), default);
            var resolved = await world.Journal().AppendAsync(incident.Id, IncidentRecord.StatusChange(IncidentStatus.Resolved), default);

            var markdown = PostmortemWriter.Write(resolved, new IncidentImpactMetrics(1234, 0.75, null), world.Clock.GetUtcNow(), new Redactor());

            foreach (var expected in new[]
            {
                "- **Date:** 2026-11-29", "- **Duration:** 45m 00s", "- **Severity:** P1", "## Timeline (UTC)", "- 07:56 **Opened**", "- 08:00 **Action** ", "- 08:41 **Note** PostHog recovered",
                "- 08:41 **StatusChanged**", "**PostHogOutage** (P1), recommending EnableFallback", "Dominant error: 503", "1. PostHog errors now? yes", "- Requests failed: 1,234",
                "- Peak error ratio: 75%", "- Revenue impact: _to fill in_", "- Time to detect: ", "- Time to mitigate: 4m 00s", "- Time to resolve: 45m 00s", "| Make the fallback", "| _to fill in_ | _to fill in_ |",
            })
            {
                Assert.Contains(expected, markdown, StringComparison.Ordinal);
            }

            Assert.Equal(resolved.Timeline.Count, markdown.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^- \d\d:\d\d \*\*")));
        }

        [Fact]
        public async Task Without_metrics_the_impact_says_so_and_leaves_placeholders()
        {
            using var world = new JournalTestWorld();
            var incident = await world.Journal().OpenAsync(IncidentOpening.FromReport(world.Report()), default);

            var markdown = PostmortemWriter.Write(incident, IncidentImpactMetrics.None("no -PrometheusUrl"), world.Clock.GetUtcNow().AddMinutes(10), new Redactor());

            Assert.Contains("- Metrics unavailable (no -PrometheusUrl)", markdown, StringComparison.Ordinal);
            Assert.Contains("(still open)", markdown, StringComparison.Ordinal);
            Assert.Contains("- Time to resolve: not reached", markdown, StringComparison.Ordinal);
        }
    }
}
