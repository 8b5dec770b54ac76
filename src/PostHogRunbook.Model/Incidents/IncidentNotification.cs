using System;

namespace PostHogRunbook.Model
{
    /// <summary>One send journaled for an incident: the channel, how it went and the id the service gave it.</summary>
    public sealed class IncidentNotification
    {
        public IncidentNotification(DateTimeOffset at, string channel, bool succeeded, int? httpStatus, int attempts, string? externalId, string? eventAction)
        {
            At = at;
            Channel = channel;
            Succeeded = succeeded;
            HttpStatus = httpStatus;
            Attempts = attempts;
            ExternalId = externalId;
            EventAction = eventAction;
        }

        /// <summary>When it was journaled, UTC.</summary>
        public DateTimeOffset At { get; }

        /// <summary>Slack, PagerDuty or StatusPage.</summary>
        public string Channel { get; }

        public bool Succeeded { get; }

        public int? HttpStatus { get; }

        public int Attempts { get; }

        /// <summary>The status page incident's id (so the next send updates it), PagerDuty's dedup_key.</summary>
        public string? ExternalId { get; }

        /// <summary>PagerDuty's event_action (trigger, acknowledge, resolve); the status page's create or update.</summary>
        public string? EventAction { get; }
    }
}
