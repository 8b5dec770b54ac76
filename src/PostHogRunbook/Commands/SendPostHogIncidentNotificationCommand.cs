using System;
using System.Linq;
using System.Management.Automation;
using System.Security;
using PostHogRunbook.Engine.Comms;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>
    /// Sends an incident's update to Slack, PagerDuty and our status page: one NotificationResult per channel, every
    /// send journaled, retried on 429 and 5xx within -TimeoutSec; -WhatIf shows each payload and sends nothing.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "PostHogIncidentNotification", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = FromPipeline)]
    [OutputType(typeof(NotificationResult))]
    public sealed class SendPostHogIncidentNotificationCommand : RunbookCmdlet
    {
        const string FromPipeline = "InputObject";
        const string ById = "IncidentId";

        /// <summary>A PostHogIncident, or an IncidentMessage whose text is sent instead of the template's.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FromPipeline)]
        [ValidateNotNull]
        public object? InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ById)]
        [ValidateNotNullOrEmpty]
        public string? IncidentId { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public NotificationChannel[]? Channel { get; set; }

        [Parameter]
        [ValidateNotNull]
        public SecureString? SlackWebhookUrl { get; set; }

        [Parameter]
        [ValidateNotNull]
        public SecureString? PagerDutyRoutingKey { get; set; }

        [Parameter]
        [ValidateNotNull]
        public SecureString? StatusPageApiKey { get; set; }

        [Parameter]
        [ValidateNotNull]
        public Uri? PagerDutyEventsUrl { get; set; }

        [Parameter]
        [ValidateNotNull]
        public Uri? StatusPageApiUrl { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StatusPagePageId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StatusPageComponentId { get; set; }

        /// <summary>PagerDuty's event; Auto: trigger while Investigating, acknowledge once worked on, resolve once Resolved.</summary>
        [Parameter]
        public PagerDutyEventAction EventAction { get; set; } = PagerDutyEventAction.Auto;

        [Parameter]
        public DateTime NextUpdate { get; set; }

        /// <summary>The budget of each channel's send, retries and their waits included.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>Where the journal lives: File (the JournalPath folder) or Kubernetes (ConfigMaps in the profile's namespace).</summary>
        [Parameter]
        public JournalStore JournalStore { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        IIncidentJournal? journal;
        IncidentNotifier? notifier;

        protected override void BeginProcessing()
        {
            Guard(() =>
            {
                var profile = ResolveProfile(ConfigPath);
                journal = IncidentJournalAccess.Open(this, profile);
                notifier = new IncidentNotifier(Services, journal, NotificationSettings.FromProfile(profile));
                WriteVerbose($"Journaling the sends in the incident journal at {journal.Location}.");
            });
        }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                PostHogIncident incident;
                try
                {
                    incident = Await(token => journal!.GetAsync(IncidentInput.IdFrom(InputObject, IncidentId), token));
                }
                catch (RunbookException ex) when (ex.ErrorId is "IncidentNotFound" or "InputNotAnIncident")
                {
                    WriteFailure(ex);
                    return;
                }

                var message = TargetBinding.Unwrap(InputObject) as IncidentMessage;
                DateTimeOffset? next = MyInvocation.BoundParameters.ContainsKey(nameof(NextUpdate)) ? new DateTimeOffset(NextUpdate.ToUniversalTime(), TimeSpan.Zero) : null;
                foreach (var channel in Channel!.Distinct())
                {
                    Send(channel, incident, message, next);
                }
            });
        }

        void Send(NotificationChannel channel, PostHogIncident incident, IncidentMessage? message, DateTimeOffset? next)
        {
            NotificationPlan plan;
            try
            {
                plan = notifier!.Plan(channel, incident, message, next, EventAction);
            }
            catch (RunbookException ex)
            {
                WriteFailure(ex);
                return;
            }

            var action = $"Send {plan.EventAction} for incident {incident.Id}: {Environment.NewLine}{plan.ShownPayload}{Environment.NewLine}";
            // What if: goes to the host; the same payload in the verbose stream is what a script (or a test) can read.
            WriteVerbose($"{channel} ({plan.ShownTarget}): {action}");
            if (!ShouldProcess($"{channel} ({plan.ShownTarget})", action))
            {
                return;
            }

            var result = Await(token => notifier.SendAsync(plan, token));
            WriteObject(result);
            if (!result.Succeeded)
            {
                WriteFailure(new RunbookException(
                    result.ErrorId ?? $"{channel}Failed",
                    Kind(result.HttpStatus),
                    $"{channel} did not take the update for incident {incident.Id}: {result.Error}",
                    plan.ShownTarget,
                    NextStep(result)));
            }
        }

        static RunbookErrorKind Kind(int? status) => status switch
        {
            null => RunbookErrorKind.ConnectionError,
            401 => RunbookErrorKind.AuthenticationError,
            403 => RunbookErrorKind.PermissionDenied,
            404 or 410 => RunbookErrorKind.ObjectNotFound,
            420 or 429 => RunbookErrorKind.LimitsExceeded,
            >= 500 => RunbookErrorKind.ResourceUnavailable,
            _ => RunbookErrorKind.InvalidArgument,
        };

        static string NextStep(NotificationResult result) => result.ErrorId switch
        {
            "SlackChannelNotFound" or "SlackNoService" or "SlackChannelArchived" => "The webhook's channel or app is gone: make a new incoming webhook and pass its URL as -SlackWebhookUrl.",
            "SlackActionProhibited" => "A Slack admin restricted the channel: ask for posting rights or use another webhook.",
            "StatusPageUnauthorized" => "Check -StatusPageApiKey (Statuspage: your user's API key).",
            "StatusPageNotFound" => "Check -StatusPagePageId, and that the status page incident still exists.",
            "PagerDutyInvalidEvent" => "Check -PagerDutyRoutingKey (the service's Events API v2 integration key, 32 characters).",
            _ when result.HttpStatus is null or 429 or >= 500 => $"The service stayed unavailable over {result.Attempts} attempts: send again later, or raise -TimeoutSec.",
            _ => "See the service's answer above; the send is journaled.",
        };
    }
}
