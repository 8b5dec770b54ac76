using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Comms;
using PostHogRunbook.Lab.Notify;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Comms
{
    /// <summary>The notifier against the lab's Slack, PagerDuty and Statuspage: what is sent, how failures read, retries, the journal.</summary>
    public class IncidentNotifierTests
    {
        const string PlantedKey = "phc_PlantedInTheImpactText0123456789abcdefghijk";

        [Fact]
        public async Task Slack_gets_text_and_blocks_and_the_send_is_journaled()
        {
            await using var world = await CommsWorld.StartAsync();
            var incident = await world.OpenAsync();

            var result = await world.SendAsync(NotificationChannel.Slack, incident);

            Assert.True(result.Succeeded, result.Error);
            Assert.Equal(200, result.HttpStatus);
            Assert.Equal(1, result.Attempts);
            var sent = CommsWorld.Body(Assert.Single(world.Requests(NotifyState.Slack)));
            Assert.Contains("Severity: P1", (string)sent["text"]!, StringComparison.Ordinal);
            Assert.Contains("Status: Investigating", (string)sent["text"]!, StringComparison.Ordinal);
            Assert.Equal(new[] { "header", "section", "context" }, ((JArray)sent["blocks"]!).Select(b => (string)b["type"]!));
            var read = await world.ReadAsync(incident.Id);
            var journaled = Assert.Single(read.Notifications);
            Assert.Equal("Slack", journaled.Channel);
            Assert.True(journaled.Succeeded);
            Assert.Equal(200, journaled.HttpStatus);
            Assert.Equal(IncidentEntryKind.Notification, read.Timeline[^1].Kind);
        }

        [Theory]
        [InlineData("invalid_payload", 400, "SlackInvalidPayload")]
        [InlineData("action_prohibited", 403, "SlackActionProhibited")]
        [InlineData("channel_not_found", 404, "SlackChannelNotFound")]
        [InlineData("channel_is_archived", 410, "SlackChannelArchived")]
        [InlineData("no_service", 404, "SlackNoService")]
        public async Task Slack_errors_carry_slacks_word_and_are_not_retried(string word, int status, string errorId)
        {
            await using var world = await CommsWorld.StartAsync();
            var incident = await world.OpenAsync();

            var result = await world.SendAsync(NotificationChannel.Slack, incident, world.Notifier(world.Settings(slackPath: "/services/T0LAB0000/B0LAB0000/" + word)));

            Assert.False(result.Succeeded);
            Assert.Equal(status, result.HttpStatus);
            Assert.Equal(errorId, result.ErrorId);
            Assert.Contains(word, result.Error, StringComparison.Ordinal);
            Assert.Equal(1, result.Attempts);
            Assert.Single(world.Requests(NotifyState.Slack));
            var journaled = Assert.Single((await world.ReadAsync(incident.Id)).Notifications);
            Assert.False(journaled.Succeeded);
        }

        [Theory]
        [InlineData(IncidentStatus.Investigating, "trigger")]
        [InlineData(IncidentStatus.Identified, "acknowledge")]
        [InlineData(IncidentStatus.Mitigated, "acknowledge")]
        [InlineData(IncidentStatus.Monitoring, "acknowledge")]
        [InlineData(IncidentStatus.Resolved, "resolve")]
        public void PagerDuty_action_follows_the_status(IncidentStatus status, string action)
        {
            Assert.Equal(action, IncidentNotifier.PagerDutyAction(status));
            Assert.Equal("trigger", IncidentNotifier.PagerDutyAction(status, PagerDutyEventAction.Trigger));
        }

        [Fact]
        public async Task PagerDuty_trigger_then_resolve_share_the_dedup_key()
        {
            await using var world = await CommsWorld.StartAsync();
            var incident = await world.OpenAsync(IncidentSeverity.P1);

            var trigger = await world.SendAsync(NotificationChannel.PagerDuty, incident);
            var resolved = await world.SetStatusAsync(incident.Id, IncidentStatus.Resolved);
            var resolve = await world.SendAsync(NotificationChannel.PagerDuty, resolved);

            Assert.True(trigger.Succeeded, trigger.Error);
            Assert.True(resolve.Succeeded, resolve.Error);
            Assert.Equal(202, trigger.HttpStatus);
            var sent = world.Requests(NotifyState.PagerDuty).Select(CommsWorld.Body).ToArray();
            Assert.Equal(new[] { "trigger", "resolve" }, sent.Select(s => (string)s["event_action"]!));
            Assert.All(sent, s => Assert.Equal(incident.Id, (string)s["dedup_key"]!));
            Assert.All(sent, s => Assert.Equal(PagerDutyEvents.RoutingKey, (string)s["routing_key"]!));
            Assert.Equal("critical", (string)sent[0]["payload"]!["severity"]!);
            Assert.Equal(incident.Reports[0].DecisionPath, ((JArray)sent[0]["payload"]!["custom_details"]!["decision_path"]!).Select(s => (string)s!));
            Assert.Equal(new[] { incident.Id, incident.Id }, (await world.ReadAsync(incident.Id)).Notifications.Select(n => n.ExternalId));
        }

        [Fact]
        public async Task A_PagerDuty_400_shows_its_errors_list_and_is_not_retried()
        {
            await using var world = await CommsWorld.StartAsync();
            var incident = await world.OpenAsync();

            var result = await world.SendAsync(NotificationChannel.PagerDuty, incident, world.Notifier(world.Settings(routingKey: "too-short")));

            Assert.False(result.Succeeded);
            Assert.Equal("PagerDutyInvalidEvent", result.ErrorId);
            Assert.Equal(1, result.Attempts);
            Assert.Contains("Length of 'routing_key' is incorrect (should be 32 characters)", result.Error, StringComparison.Ordinal);
        }

        [Fact]
        public async Task The_status_page_incident_is_created_once_then_updated_by_the_id_the_journal_kept()
        {
            await using var world = await CommsWorld.StartAsync();
            var incident = await world.OpenAsync(IncidentSeverity.P2);

            var created = await world.SendAsync(NotificationChannel.StatusPage, incident);
            var afterCreate = await world.SetStatusAsync(incident.Id, IncidentStatus.Resolved);
            var updated = await world.SendAsync(NotificationChannel.StatusPage, afterCreate);

            Assert.True(created.Succeeded, created.Error);
            Assert.Equal(201, created.HttpStatus);
            Assert.True(updated.Succeeded, updated.Error);
            Assert.Equal(200, updated.HttpStatus);
            Assert.Equal(created.ExternalId, updated.ExternalId);
            var only = Assert.Single(world.Received.Incidents.Values);
            Assert.Equal(created.ExternalId, only.Id);
            Assert.Equal("resolved", only.Status);
            Assert.Equal("operational", only.Components[StatuspageIncidents.ComponentId]);
            var requests = world.Requests(NotifyState.StatusPage);
            Assert.Equal(new[] { "POST", "PATCH" }, requests.Select(r => r.Method));
            Assert.EndsWith("/incidents/" + created.ExternalId, requests[1].Path, StringComparison.Ordinal);
            Assert.Equal("partial_outage", (string)CommsWorld.Body(requests[0])["incident"]!["components"]![StatuspageIncidents.ComponentId]!);
            Assert.Equal(created.ExternalId, IncidentNotifier.StatusPageIncidentId(await world.ReadAsync(incident.Id)));
        }

        [Fact]
        public async Task A_wrong_status_page_key_is_StatusPageUnauthorized()
        {
            await using var world = await CommsWorld.StartAsync();
            var incident = await world.OpenAsync();

            var result = await world.SendAsync(NotificationChannel.StatusPage, incident, world.Notifier(world.Settings(statusPageKey: "wrong")));

            Assert.Equal("StatusPageUnauthorized", result.ErrorId);
            Assert.Equal(401, result.HttpStatus);
            Assert.Contains("Could not authenticate", result.Error, StringComparison.Ordinal);
            Assert.Empty(world.Received.Incidents);
        }

        [Fact]
        public async Task A_429_is_retried_after_its_Retry_After_and_counts_two_attempts()
        {
            await using var world = await CommsWorld.StartAsync();
            var incident = await world.OpenAsync();
            world.Received.Plan(new NotifyFault(NotifyState.Slack, 429, "rate_limited", 7, 1));

            var result = await world.SendAsync(NotificationChannel.Slack, incident);

            Assert.True(result.Succeeded, result.Error);
            Assert.Equal(2, result.Attempts);
            Assert.Equal(new[] { 429, 200 }, world.Requests(NotifyState.Slack).Select(r => r.Status));
            Assert.Equal(new[] { TimeSpan.FromSeconds(7) }, world.Clock.Waits);
        }

        [Fact]
        public async Task Server_errors_back_off_exponentially_and_stop_within_the_budget()
        {
            await using var world = await CommsWorld.StartAsync();
            var incident = await world.OpenAsync();
            world.Received.Plan(new NotifyFault(NotifyState.PagerDuty, 503, "{\"status\":\"unavailable\"}", null, 100));

            var result = await world.SendAsync(NotificationChannel.PagerDuty, incident, world.Notifier(world.Settings(timeoutSec: 10)));

            Assert.False(result.Succeeded);
            Assert.Equal(503, result.HttpStatus);
            // 1 s, 2 s, 4 s fit in 10 s; the next 8 s would end past it, so the fourth answer stands.
            Assert.Equal(new[] { 1, 2, 4 }, world.Clock.Waits.Select(w => (int)w.TotalSeconds));
            Assert.Equal(4, result.Attempts);
            Assert.Equal(4, world.Requests(NotifyState.PagerDuty).Count);
        }

        [Fact]
        public async Task A_Retry_After_longer_than_the_budget_is_not_waited()
        {
            await using var world = await CommsWorld.StartAsync();
            var incident = await world.OpenAsync();
            world.Received.Plan(new NotifyFault(NotifyState.Slack, 429, "rate_limited", 120, 1));

            var result = await world.SendAsync(NotificationChannel.Slack, incident, world.Notifier(world.Settings(timeoutSec: 10)));

            Assert.False(result.Succeeded);
            Assert.Equal("SlackRateLimited", result.ErrorId);
            Assert.Equal(1, result.Attempts);
            Assert.Empty(world.Clock.Waits);
        }

        [Fact]
        public async Task A_service_that_never_answers_counts_every_attempt_within_the_budget()
        {
            await using var world = await CommsWorld.StartAsync();
            var incident = await world.OpenAsync();
            var settings = world.Settings(timeoutSec: 10) with { PagerDutyEventsUrl = new Uri(world.Lab.Endpoints.DeadUrl) };

            var result = await world.SendAsync(NotificationChannel.PagerDuty, incident, world.Notifier(settings));

            Assert.False(result.Succeeded);
            Assert.Null(result.HttpStatus);
            Assert.Equal("PagerDutyUnreachable", result.ErrorId);
            Assert.Equal(world.Clock.Waits.Count + 1, result.Attempts);
            Assert.Equal(new[] { 1, 2, 4 }, world.Clock.Waits.Select(w => (int)w.TotalSeconds));
            Assert.False(Assert.Single((await world.ReadAsync(incident.Id)).Notifications).Succeeded);
        }

        [Fact]
        public async Task A_planted_key_in_the_impact_reaches_no_service()
        {
            await using var world = await CommsWorld.StartAsync();
            var opened = await world.OpenAsync();
            // Built by hand, as a script could: the journal would have masked it already.
            var incident = new PostHogIncident(opened.Id, opened.Target, opened.Category, opened.Severity, opened.Status, opened.StartedAt, opened.UpdatedAt, null,
                "alice", $"Flags fail; the key {PlantedKey} is rejected at https://sre:hunter2@grafana.internal/d/abc", opened.Reports, opened.Actions, opened.Timeline);
            var notifier = world.Notifier();

            foreach (var channel in Enum.GetValues<NotificationChannel>())
            {
                var result = await world.SendAsync(channel, incident, notifier);
                Assert.True(result.Succeeded, result.Error);
            }

            Assert.Equal(3, world.Received.Requests.Count);
            Assert.All(world.Received.Requests, r => Assert.DoesNotContain(PlantedKey, r.Body, StringComparison.Ordinal));
            Assert.All(world.Received.Requests, r => Assert.DoesNotContain("hunter2", r.Body, StringComparison.Ordinal));
            Assert.Contains("[REDACTED]", world.Requests(NotifyState.Slack)[0].Body, StringComparison.Ordinal);
            Assert.True(world.Redactor.Counts.Values.Sum() > 0);
        }

        [Fact]
        public async Task An_internal_message_never_reaches_the_status_page()
        {
            await using var world = await CommsWorld.StartAsync();
            var incident = await world.OpenAsync();
            var notifier = world.Notifier();
            var internalMessage = IncidentMessages.Build(incident, IncidentAudience.Internal, null, world.Clock.GetUtcNow(), world.Redactor);

            var toSlack = notifier.Plan(NotificationChannel.Slack, incident, internalMessage, null);
            var toStatusPage = notifier.Plan(NotificationChannel.StatusPage, incident, internalMessage, null);

            Assert.Contains("posthog-integration", toSlack.ShownPayload, StringComparison.Ordinal);
            Assert.DoesNotContain("posthog-integration", toStatusPage.ShownPayload, StringComparison.Ordinal);
            Assert.Contains("We are investigating the cause.", toStatusPage.ShownPayload, StringComparison.Ordinal);
        }

        [Fact]
        public async Task WhatIf_payload_masks_the_routing_key()
        {
            await using var world = await CommsWorld.StartAsync();
            var incident = await world.OpenAsync();

            var plan = world.Notifier().Plan(NotificationChannel.PagerDuty, incident, null, null);

            Assert.DoesNotContain(PagerDutyEvents.RoutingKey, plan.ShownPayload, StringComparison.Ordinal);
            Assert.Equal("[REDACTED]", (string)JObject.Parse(plan.ShownPayload)["routing_key"]!);
            Assert.Equal("trigger", plan.EventAction);
            Assert.Empty(world.Received.Requests);
        }
    }
}
