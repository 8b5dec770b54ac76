using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Http;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Comms
{
    /// <summary>One send prepared: what goes where. <see cref="ShownPayload"/> is what -WhatIf prints (credentials masked).</summary>
    public sealed class NotificationPlan
    {
        internal NotificationPlan(PostHogIncident incident, NotificationChannel channel, HttpMethod method, Uri uri, string shownTarget, JObject payload, string? credentialField, string? eventAction, string? externalId, IReadOnlyDictionary<string, string>? headers)
        {
            Incident = incident;
            Channel = channel;
            Method = method;
            Uri = uri;
            ShownTarget = shownTarget;
            Payload = payload;
            CredentialField = credentialField;
            EventAction = eventAction;
            ExternalId = externalId;
            Headers = headers;
        }

        public PostHogIncident Incident { get; }

        public NotificationChannel Channel { get; }

        internal HttpMethod Method { get; }

        internal Uri Uri { get; }

        /// <summary>Where it goes, for people: never the Slack webhook's secret path.</summary>
        public string ShownTarget { get; }

        /// <summary>The body, every text already redacted; a credential field is added only on the wire.</summary>
        internal JObject Payload { get; }

        internal string? CredentialField { get; }

        /// <summary>trigger, acknowledge, resolve (PagerDuty); create, update (StatusPage); post (Slack).</summary>
        public string? EventAction { get; }

        /// <summary>The id it goes under: PagerDuty's dedup_key, the status page incident's id when updating.</summary>
        public string? ExternalId { get; }

        internal IReadOnlyDictionary<string, string>? Headers { get; }

        /// <summary>The payload as -WhatIf shows it.</summary>
        public string ShownPayload
        {
            get
            {
                var shown = (JObject)Payload.DeepClone();
                if (CredentialField != null)
                {
                    shown[CredentialField] = Redactor.Mask;
                }

                return shown.ToString(Formatting.Indented);
            }
        }
    }

    /// <summary>
    /// Sends an incident's update to Slack (incoming webhook), PagerDuty (Events API v2) and our status page
    /// (Statuspage's /v1/pages/{page_id}/incidents), through the one HTTP layer, with SendRetry, every text through
    /// the command's redactor, and every send, whatever its outcome, journaled.
    /// </summary>
    public sealed class IncidentNotifier
    {
        public const string SlackName = "Slack";
        public const string PagerDutyName = "PagerDuty";
        public const string StatusPageName = "StatusPage";

        readonly IRunbookHttp http;
        readonly Redactor redactor;
        readonly TimeProvider time;
        readonly IIncidentJournal? journal;
        readonly NotificationSettings settings;

        public IncidentNotifier(RunbookServices services, IIncidentJournal? journal, NotificationSettings settings)
            : this((services ?? throw new ArgumentNullException(nameof(services))).Http, services.Redactor, services.Time, journal, settings)
        {
        }

        internal IncidentNotifier(IRunbookHttp http, Redactor redactor, TimeProvider time, IIncidentJournal? journal, NotificationSettings settings)
        {
            this.http = http;
            this.redactor = redactor;
            this.time = time;
            this.journal = journal;
            this.settings = settings ?? throw new ArgumentNullException(nameof(settings));

            // The credentials are masked wherever they would show: an error's URL, a service's echo.
            foreach (var secret in new[] { settings.SlackWebhookUrl, settings.PagerDutyRoutingKey, settings.StatusPageApiKey })
            {
                redactor.AddSecret(SecretInputs.Reveal(secret));
            }
        }

        /// <summary>PagerDuty's event for an incident's status: resolve once Resolved, acknowledge once someone works on it, else trigger.</summary>
        public static string PagerDutyAction(IncidentStatus status, PagerDutyEventAction chosen = PagerDutyEventAction.Auto) => chosen switch
        {
            PagerDutyEventAction.Trigger => "trigger",
            PagerDutyEventAction.Acknowledge => "acknowledge",
            PagerDutyEventAction.Resolve => "resolve",
            _ => status switch
            {
                IncidentStatus.Resolved => "resolve",
                IncidentStatus.Investigating => "trigger",
                _ => "acknowledge",
            },
        };

        /// <summary>PagerDuty's payload.severity for the runbook's.</summary>
        public static string PagerDutySeverity(IncidentSeverity severity) => severity switch
        {
            IncidentSeverity.P1 => "critical",
            IncidentSeverity.P2 => "error",
            IncidentSeverity.P3 => "warning",
            _ => "info",
        };

        /// <summary>A Statuspage incident's status for ours.</summary>
        public static string StatusPageStatus(IncidentStatus status) => status switch
        {
            IncidentStatus.Identified => "identified",
            IncidentStatus.Mitigated or IncidentStatus.Monitoring => "monitoring",
            IncidentStatus.Resolved => "resolved",
            _ => "investigating",
        };

        /// <summary>The component's status while the incident is open (operational once resolved).</summary>
        public static string ComponentStatus(IncidentSeverity severity, IncidentStatus status) => status == IncidentStatus.Resolved
            ? "operational"
            : severity switch
            {
                IncidentSeverity.P1 => "major_outage",
                IncidentSeverity.P2 => "partial_outage",
                _ => "degraded_performance",
            };

        static string StatusPageImpact(IncidentSeverity severity) => severity switch
        {
            IncidentSeverity.P1 => "critical",
            IncidentSeverity.P2 => "major",
            IncidentSeverity.P3 => "minor",
            _ => "none",
        };

        /// <summary>The status page incident this incident already created (its id kept in the journal), or null.</summary>
        public static string? StatusPageIncidentId(PostHogIncident incident)
            => incident.Notifications.LastOrDefault(n => n.Succeeded && n.ExternalId != null && string.Equals(n.Channel, StatusPageName, StringComparison.Ordinal))?.ExternalId;

        /// <summary>
        /// The send for one channel. <paramref name="message"/> replaces the template (a piped message; an Internal
        /// one not on the status page); else Slack and PagerDuty get the Internal one and the status page the External one. Fails with
        /// SlackWebhookUrlMissing, PagerDutyRoutingKeyMissing, StatusPageApiKeyMissing or StatusPagePageIdMissing.
        /// </summary>
        public NotificationPlan Plan(NotificationChannel channel, PostHogIncident incident, IncidentMessage? message, DateTimeOffset? nextUpdate, PagerDutyEventAction eventAction = PagerDutyEventAction.Auto)
        {
            ArgumentNullException.ThrowIfNull(incident);
            var now = time.GetUtcNow();
            // A piped message goes as it is, except that an Internal one never reaches the public status page:
            // that channel gets the External template instead.
            IncidentMessage Template(IncidentAudience audience)
                => message != null && (audience == IncidentAudience.Internal || message.Audience == IncidentAudience.External)
                    ? message
                    : IncidentMessages.Build(incident, audience, nextUpdate, now, redactor);
            return channel switch
            {
                NotificationChannel.Slack => PlanSlack(incident, Template(IncidentAudience.Internal)),
                NotificationChannel.PagerDuty => PlanPagerDuty(incident, Template(IncidentAudience.Internal), eventAction),
                _ => PlanStatusPage(incident, Template(IncidentAudience.External)),
            };
        }

        NotificationPlan PlanSlack(PostHogIncident incident, IncidentMessage message)
        {
            var url = SecretInputs.Reveal(settings.SlackWebhookUrl);
            if (string.IsNullOrEmpty(url) || !RunbookProfile.TryParseHttpUri(url, out var uri))
            {
                throw Missing("SlackWebhookUrlMissing", "a Slack incoming webhook URL", "-SlackWebhookUrl (a SecureString) or $env:POSTHOG_RUNBOOK_SLACK_WEBHOOK_URL");
            }

            var title = Clip(redactor.Redact(message.Title), 150);
            var text = redactor.Redact(message.Text);
            var payload = new JObject
            {
                ["text"] = text,
                ["blocks"] = new JArray
                {
                    new JObject { ["type"] = "header", ["text"] = new JObject { ["type"] = "plain_text", ["text"] = title } },
                    new JObject { ["type"] = "section", ["text"] = new JObject { ["type"] = "mrkdwn", ["text"] = Clip(text, 3000) } },
                    new JObject
                    {
                        ["type"] = "context",
                        ["elements"] = new JArray { new JObject { ["type"] = "mrkdwn", ["text"] = $"Incident {incident.Id} · {IncidentMessages.Severity(incident.Severity)} · {incident.Status} · PostHogRunbook" } },
                    },
                },
            };
            return new NotificationPlan(incident, NotificationChannel.Slack, HttpMethod.Post, uri, "Slack incoming webhook", payload, null, "post", null, null);
        }

        NotificationPlan PlanPagerDuty(PostHogIncident incident, IncidentMessage message, PagerDutyEventAction chosen)
        {
            if (settings.PagerDutyRoutingKey is not { Length: > 0 })
            {
                throw Missing("PagerDutyRoutingKeyMissing", "a PagerDuty routing key", "-PagerDutyRoutingKey (a SecureString) or $env:POSTHOG_RUNBOOK_PAGERDUTY_ROUTING_KEY");
            }

            var action = PagerDutyAction(incident.Status, chosen);
            var payload = new JObject
            {
                ["event_action"] = action,
                ["dedup_key"] = incident.Id,
            };
            if (action == "trigger")
            {
                var latest = incident.Reports.Count > 0 ? incident.Reports[^1] : null;
                payload["payload"] = new JObject
                {
                    ["summary"] = Clip(redactor.Redact(message.Title), 1024),
                    ["source"] = redactor.Redact(IncidentMessages.Workload(incident.Target)),
                    ["severity"] = PagerDutySeverity(incident.Severity),
                    ["timestamp"] = JournalEntryWriter.Timestamp(incident.StartedAt),
                    ["component"] = redactor.Redact(incident.Target.Deployment ?? "posthog-integration"),
                    ["group"] = redactor.Redact(incident.Target.Namespace ?? "default"),
                    ["class"] = incident.Category.ToString(),
                    ["custom_details"] = new JObject
                    {
                        ["incident_id"] = incident.Id,
                        ["category"] = incident.Category.ToString(),
                        ["status"] = incident.Status.ToString(),
                        ["impact"] = redactor.Redact(message.Impact),
                        ["current_action"] = redactor.Redact(message.CurrentAction),
                        ["commander"] = redactor.Redact(incident.Commander ?? "unassigned"),
                        ["dominant_error"] = latest?.DominantError,
                        ["decision_path"] = new JArray((latest?.DecisionPath ?? Array.Empty<string>()).Select(step => redactor.Redact(step)).ToArray<object>()),
                    },
                };
            }

            var uri = new Uri(settings.PagerDutyEventsUrl.AbsoluteUri.TrimEnd('/') + "/v2/enqueue");
            return new NotificationPlan(incident, NotificationChannel.PagerDuty, HttpMethod.Post, uri, RunbookHttp.Describe(uri), payload, "routing_key", action, incident.Id, null);
        }

        NotificationPlan PlanStatusPage(PostHogIncident incident, IncidentMessage message)
        {
            if (settings.StatusPageApiKey is not { Length: > 0 })
            {
                throw Missing("StatusPageApiKeyMissing", "a status page API key", "-StatusPageApiKey (a SecureString) or $env:POSTHOG_RUNBOOK_STATUSPAGE_API_KEY");
            }

            if (string.IsNullOrWhiteSpace(settings.StatusPagePageId))
            {
                throw Missing("StatusPagePageIdMissing", "the status page's page id", "-StatusPagePageId, or Set-PostHogRunbookConfig -StatusPagePageId");
            }

            var existing = StatusPageIncidentId(incident);
            var body = new JObject
            {
                ["status"] = StatusPageStatus(incident.Status),
                ["body"] = redactor.Redact(message.Text),
            };
            if (existing == null)
            {
                body["name"] = Clip(redactor.Redact(message.Title), 255);
                body["impact_override"] = StatusPageImpact(incident.Severity);
            }

            if (!string.IsNullOrWhiteSpace(settings.StatusPageComponentId))
            {
                body["component_ids"] = new JArray(settings.StatusPageComponentId);
                body["components"] = new JObject { [settings.StatusPageComponentId] = ComponentStatus(incident.Severity, incident.Status) };
            }

            var pages = settings.StatusPageApiUrl.AbsoluteUri.TrimEnd('/') + "/v1/pages/" + Uri.EscapeDataString(settings.StatusPagePageId.Trim()) + "/incidents";
            var uri = new Uri(existing == null ? pages : pages + "/" + Uri.EscapeDataString(existing));
            var headers = new Dictionary<string, string> { ["Authorization"] = "OAuth " + SecretInputs.Reveal(settings.StatusPageApiKey) };
            return new NotificationPlan(incident, NotificationChannel.StatusPage, existing == null ? HttpMethod.Post : HttpMethod.Patch, uri, RunbookHttp.Describe(uri), new JObject { ["incident"] = body }, null, existing == null ? "create" : "update", existing, headers);
        }

        /// <summary>Sends the plan (retrying as SendRetry says), journals the outcome, and returns it. Never throws for a refusal: it is the result.</summary>
        public async Task<NotificationResult> SendAsync(NotificationPlan plan, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(plan);
            var wire = (JObject)plan.Payload.DeepClone();
            if (plan.CredentialField != null)
            {
                wire[plan.CredentialField] = SecretInputs.Reveal(settings.PagerDutyRoutingKey);
            }

            var body = wire.ToString(Formatting.None);
            var retry = new SendRetry(time);
            var (answer, attempts, failure) = await retry.RunAsync(
                (left, token) => http.SendAsync(plan.Method, plan.Uri, left, token, new StringContent(body, Encoding.UTF8, "application/json"), plan.Headers, 64 * 1024),
                settings.Timeout,
                cancellationToken).ConfigureAwait(false);
            var unreachable = failure == null ? null : redactor.Redact(failure.Message);
            var result = unreachable != null
                ? new NotificationResult(plan.Incident.Id, plan.Channel, false, null, attempts, plan.ExternalId, $"{plan.Channel}Unreachable", $"{plan.ShownTarget}: {unreachable}")
                : Read(plan, answer!, attempts);
            await JournalAsync(plan, result, cancellationToken).ConfigureAwait(false);
            return result;
        }

        NotificationResult Read(NotificationPlan plan, HttpFetchResult answer, int attempts)
        {
            var id = plan.Incident.Id;
            var text = answer.BodyText.Trim();
            switch (plan.Channel)
            {
                case NotificationChannel.Slack:
                    if (answer.Status == 200 && text == "ok")
                    {
                        return new NotificationResult(id, plan.Channel, true, 200, attempts, null, null, null);
                    }

                    var word = text.Length > 0 && text.Length <= 64 && !text.Contains(' ', StringComparison.Ordinal) ? text : null;
                    var slackId = word switch
                    {
                        "invalid_payload" => "SlackInvalidPayload",
                        "action_prohibited" => "SlackActionProhibited",
                        "channel_not_found" => "SlackChannelNotFound",
                        "channel_is_archived" => "SlackChannelArchived",
                        "no_service" => "SlackNoService",
                        _ when answer.Status == 429 => "SlackRateLimited",
                        _ => "SlackRejected",
                    };
                    return Failed(plan, answer, attempts, slackId, $"Slack answered {answer.Status} {word ?? answer.BodyPreview()}");

                case NotificationChannel.PagerDuty:
                    var json = answer.BodyAsJsonObject();
                    if (answer.Status == 202)
                    {
                        return new NotificationResult(id, plan.Channel, true, 202, attempts, (string?)json?["dedup_key"] ?? plan.ExternalId, null, null);
                    }

                    var errors = (json?["errors"] as JArray)?.Select(e => e.ToString()).ToArray() ?? Array.Empty<string>();
                    var said = (string?)json?["message"] ?? answer.BodyPreview();
                    var pagerDutyId = answer.Status switch { 400 => "PagerDutyInvalidEvent", 429 => "PagerDutyRateLimited", _ => "PagerDutyRejected" };
                    return Failed(plan, answer, attempts, pagerDutyId, $"PagerDuty answered {answer.Status} {said}" + (errors.Length > 0 ? ": " + string.Join("; ", errors) : string.Empty));

                default:
                    var page = answer.BodyAsJsonObject();
                    if (answer.IsSuccess)
                    {
                        var incidentId = (string?)page?["id"] ?? plan.ExternalId;
                        return new NotificationResult(id, plan.Channel, true, answer.Status, attempts, incidentId, null, null);
                    }

                    var error = page?["error"] is JArray list ? string.Join("; ", list.Select(e => e.ToString())) : (string?)page?["error"] ?? answer.BodyPreview();
                    var statusPageId = answer.Status switch
                    {
                        401 or 403 => "StatusPageUnauthorized",
                        404 => "StatusPageNotFound",
                        422 => "StatusPageInvalidIncident",
                        420 or 429 => "StatusPageRateLimited",
                        _ => "StatusPageRejected",
                    };
                    return Failed(plan, answer, attempts, statusPageId, $"The status page answered {answer.Status} {error}");
            }
        }

        NotificationResult Failed(NotificationPlan plan, HttpFetchResult answer, int attempts, string errorId, string error)
            => new(plan.Incident.Id, plan.Channel, false, answer.Status, attempts, plan.ExternalId, errorId, redactor.Redact(error));

        async Task JournalAsync(NotificationPlan plan, NotificationResult result, CancellationToken cancellationToken)
        {
            if (journal == null)
            {
                return;
            }

            var attempts = result.Attempts == 1 ? "1 attempt" : $"{result.Attempts} attempts";
            var what = plan.EventAction is null or "post" ? "update" : plan.EventAction;
            var sentence = result.Succeeded
                ? $"{what} sent ({result.HttpStatus}, {attempts})" + (result.ExternalId == null ? "." : $", id {result.ExternalId}.")
                : $"{what} failed: {result.ErrorId}: {result.Error} ({attempts}).";
            var record = IncidentRecord.Notification(plan.Channel.ToString(), sentence, result.Succeeded, result.HttpStatus, result.Attempts, result.ExternalId, plan.EventAction, result.ErrorId);
            await journal.AppendAsync(plan.Incident.Id, record, cancellationToken).ConfigureAwait(false);
        }

        static RunbookException Missing(string errorId, string what, string how)
            => new(errorId, RunbookErrorKind.InvalidArgument, $"Sending needs {what}: give {how}. Credentials never come from a config file.", "Send-PostHogIncidentNotification");

        static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
    }
}
