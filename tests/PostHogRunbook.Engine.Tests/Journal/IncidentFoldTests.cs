using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Journal
{
    public class IncidentFoldTests
    {
        [Fact]
        public async Task Every_kind_of_entry_folds_into_the_incident_in_the_order_written()
        {
            using var world = new JournalTestWorld();
            var journal = world.Journal();
            var opened = await journal.OpenAsync(IncidentOpening.FromReport(world.Report(severity: IncidentSeverity.P2, category: TriageCategory.RateLimited, action: RemediationAction.QueueRequests)) with { Commander = "alice" }, default);
            var startedAt = world.Clock.GetUtcNow();

            world.Clock.Advance(TimeSpan.FromMinutes(1));
            await journal.AppendAsync(opened.Id, IncidentRecord.Triage(world.Report()), default);
            world.Clock.Advance(TimeSpan.FromMinutes(1));
            await journal.AppendAsync(opened.Id, IncidentRecord.ActionTaken("EnableFallback", "deployment/posthog-integration", "integration", "POSTHOG_FALLBACK unset", "POSTHOG_FALLBACK=true", RemediationOutcome.Applied, "Set-PostHogFallback -Enabled $false"), default);
            await journal.AppendAsync(opened.Id, IncidentRecord.ActionFailed("RotateApiKey", "secret/posthog-secrets", null, "KubernetesForbidden", "RBAC forbids 'update' on 'secrets' in namespace posthog."), default);
            await journal.AppendAsync(opened.Id, IncidentRecord.StatusChange(IncidentStatus.Mitigated, "Fallback on, errors falling."), default);
            world.Clock.Advance(TimeSpan.FromMinutes(1));
            await journal.AppendAsync(opened.Id, IncidentRecord.Triage(world.Report(category: TriageCategory.Healthy, severity: IncidentSeverity.None, action: RemediationAction.None)), default);
            await journal.AppendAsync(opened.Id, new[] { IncidentRecord.CommanderChange("bob"), IncidentRecord.ImpactChange("Feature flags use their defaults in the US."), IncidentRecord.Note("PostHog confirms the outage.") }, default);
            await journal.AppendAsync(opened.Id, IncidentRecord.Notification("Slack", "Posted to #incidents.") with { Actor = "ci/notify" }, default);
            await journal.AppendAsync(opened.Id, IncidentRecord.Undone("EnableFallback", "deployment/posthog-integration", "integration", "POSTHOG_FALLBACK=true", "POSTHOG_FALLBACK unset", RemediationOutcome.Applied), default);
            await journal.AppendAsync(opened.Id, IncidentRecord.Entry(IncidentEntryKind.Verification, "Probe after the change: /flags 200."), default);
            world.Clock.Advance(TimeSpan.FromMinutes(1));
            await journal.AppendAsync(opened.Id, IncidentRecord.StatusChange(IncidentStatus.Resolved), default);
            var resolvedAt = world.Clock.GetUtcNow();

            var incident = await world.Journal().GetAsync(opened.Id, default);

            Assert.Equal(opened.Id, incident.Id);
            Assert.Equal("prod-us/posthog/posthog-integration", incident.Target.ToString());
            Assert.Equal("https://us.i.posthog.com", incident.Target.PostHogHost);
            Assert.Equal(PostHogRegion.US, incident.Target.Region);
            // The worst moment decides: P1 PostHogOutage, not the opening P2 nor the final Healthy.
            Assert.Equal(IncidentSeverity.P1, incident.Severity);
            Assert.Equal(TriageCategory.PostHogOutage, incident.Category);
            Assert.Equal(IncidentStatus.Resolved, incident.Status);
            Assert.False(incident.IsOpen);
            Assert.Equal(startedAt, incident.StartedAt);
            Assert.Equal(resolvedAt, incident.UpdatedAt);
            Assert.Equal(resolvedAt, incident.ResolvedAt);
            Assert.Equal("bob", incident.Commander);
            Assert.Equal("Feature flags use their defaults in the US.", incident.Impact);

            Assert.Equal(new[] { TriageCategory.RateLimited, TriageCategory.PostHogOutage, TriageCategory.Healthy }, incident.Reports.Select(r => r.Category));
            var outage = incident.Reports[1];
            Assert.Equal(RemediationAction.EnableFallback, outage.RecommendedAction);
            Assert.Equal(2, outage.DecisionPath.Count);
            Assert.Equal("503", outage.DominantError);
            Assert.Equal(0.75, outage.ErrorRatio);

            Assert.Equal(new[] { IncidentEntryKind.Action, IncidentEntryKind.ActionFailed, IncidentEntryKind.Undo }, incident.Actions.Select(a => a.Kind));
            var fallback = incident.Actions[0];
            Assert.Equal(("EnableFallback", "deployment/posthog-integration", "integration"), (fallback.Action, fallback.Target, fallback.Container));
            Assert.Equal(("POSTHOG_FALLBACK unset", "POSTHOG_FALLBACK=true"), (fallback.Before, fallback.After));
            Assert.Equal(RemediationOutcome.Applied, fallback.Outcome);
            Assert.Equal("Set-PostHogFallback -Enabled $false", fallback.Undo);
            Assert.Equal("sre@laptop", fallback.Actor);
            Assert.Equal((RemediationOutcome.Failed, "KubernetesForbidden"), (incident.Actions[1].Outcome, incident.Actions[1].ErrorId));

            Assert.Equal(
                new[]
                {
                    IncidentEntryKind.Opened, IncidentEntryKind.Triage, IncidentEntryKind.Commander, IncidentEntryKind.Triage, IncidentEntryKind.Action,
                    IncidentEntryKind.ActionFailed, IncidentEntryKind.StatusChanged, IncidentEntryKind.Triage, IncidentEntryKind.Commander, IncidentEntryKind.Impact,
                    IncidentEntryKind.Note, IncidentEntryKind.Notification, IncidentEntryKind.Undo, IncidentEntryKind.Verification, IncidentEntryKind.StatusChanged,
                },
                incident.Timeline.Select(e => e.Kind));
            Assert.Equal("Status: Investigating -> Mitigated. Fallback on, errors falling.", incident.Timeline[6].Message);
            Assert.Equal("Commander: bob (was alice).", incident.Timeline[8].Message);
            Assert.Equal("Slack: Posted to #incidents.", incident.Timeline[11].Message);
            Assert.Equal("ci/notify", incident.Timeline[11].Actor);
            Assert.All(incident.Timeline.Where(e => e.Kind != IncidentEntryKind.Notification), e => Assert.Equal("sre@laptop", e.Actor));
            Assert.All(incident.Timeline, e => Assert.Equal(TimeSpan.Zero, e.At.Offset));
        }

        [Fact]
        public async Task A_status_other_than_Resolved_reopens_a_resolved_incident()
        {
            using var world = new JournalTestWorld();
            var journal = world.Journal();
            var incident = await journal.OpenAsync(IncidentOpening.FromReport(world.Report()), default);
            await journal.AppendAsync(incident.Id, IncidentRecord.StatusChange(IncidentStatus.Resolved), default);

            var reopened = await journal.AppendAsync(incident.Id, IncidentRecord.StatusChange(IncidentStatus.Investigating, "The errors are back."), default);

            Assert.True(reopened.IsOpen);
            Assert.Null(reopened.ResolvedAt);
            Assert.Equal(reopened.Id, (await journal.FindOpenAsync(world.Report().Target, default))?.Id);
        }

        [Fact]
        public async Task What_append_returns_is_what_a_later_read_gives()
        {
            using var world = new JournalTestWorld();
            var journal = world.Journal();
            var incident = await journal.OpenAsync(IncidentOpening.FromReport(world.Report()), default);

            var appended = await journal.AppendAsync(incident.Id, IncidentRecord.Note("First note."), default);
            var read = await world.Journal().GetAsync(incident.Id, default);

            Assert.Equal(appended.Timeline.Select(e => (e.At, e.Kind, e.Message, e.Actor)), read.Timeline.Select(e => (e.At, e.Kind, e.Message, e.Actor)));
            Assert.Equal(appended.UpdatedAt, read.UpdatedAt);
        }
    }
}
