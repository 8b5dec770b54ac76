using PostHogRunbook.Engine.Comms;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Tests.Journal;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Comms
{
    public class IncidentMessagesTests
    {
        static async Task<PostHogIncident> IncidentAsync(JournalTestWorld world, IncidentSeverity severity, string impact)
        {
            var journal = world.Journal();
            var incident = await journal.OpenAsync(IncidentOpening.FromReport(world.Report(severity: severity)), default);
            return await journal.AppendAsync(incident.Id, new[] { IncidentRecord.CommanderChange("alice"), IncidentRecord.ImpactChange(impact) }, default);
        }

        [Fact]
        public async Task The_internal_message_holds_every_field_of_the_template()
        {
            using var world = new JournalTestWorld();
            var incident = await IncidentAsync(world, IncidentSeverity.P1, "Flags fall back to defaults in the US");
            var now = world.Clock.GetUtcNow();

            var message = IncidentMessages.Build(incident, IncidentAudience.Internal, null, now, new Redactor());

            Assert.Equal(now.AddMinutes(30), message.NextUpdate);
            foreach (var expected in new[]
            {
                "Severity: P1", "Status: Investigating", "Impact: Flags fall back to defaults in the US", "Current action: next: EnableFallback",
                "Next update: 2026-11-29 08:26 UTC", "Incident commander: alice", "Last updated: 2026-11-29 07:56 UTC", "posthog/posthog-integration", "Decision path: PostHog errors now?",
            })
            {
                Assert.Contains(expected, message.Text, StringComparison.Ordinal);
            }
        }

        [Fact]
        public async Task The_next_update_is_an_hour_away_below_P2()
        {
            using var world = new JournalTestWorld();
            var incident = await IncidentAsync(world, IncidentSeverity.P3, "Some events are delayed");

            var message = IncidentMessages.Build(incident, IncidentAudience.External, null, world.Clock.GetUtcNow(), new Redactor());

            Assert.Equal(world.Clock.GetUtcNow().AddHours(1), message.NextUpdate);
        }

        [Fact]
        public async Task The_external_message_names_no_internal_host_pod_namespace_or_key()
        {
            using var world = new JournalTestWorld();
            var incident = await IncidentAsync(world, IncidentSeverity.P1, "Pods posthog-integration-7d9f8c-abcde in prod-us fail; see http://10.0.3.4:9090/graph and us.i.posthog.com");

            var message = IncidentMessages.Build(incident, IncidentAudience.External, null, world.Clock.GetUtcNow(), new Redactor());

            foreach (var internalName in new[] { "posthog-integration", "prod-us", "10.0.3.4", "us.i.posthog.com", "alice", "posthog-secrets", "http" })
            {
                Assert.DoesNotContain(internalName, message.Text, StringComparison.OrdinalIgnoreCase);
            }

            Assert.Contains("Investigating - We are investigating the cause.", message.Text, StringComparison.Ordinal);
            Assert.Contains("Next update: by", message.Text, StringComparison.Ordinal);
            Assert.Null(message.Commander);
        }
    }
}
