using System;

namespace PostHogRunbook.Model
{
    /// <summary>One of the runbook's two templates filled from an incident: Text is ready to paste. Output of New-PostHogIncidentMessage.</summary>
    public sealed class IncidentMessage
    {
        public IncidentMessage(
            string incidentId,
            IncidentAudience audience,
            string title,
            string text,
            IncidentSeverity severity,
            IncidentStatus status,
            string impact,
            string currentAction,
            string? commander,
            DateTimeOffset nextUpdate,
            DateTimeOffset lastUpdated)
        {
            IncidentId = incidentId;
            Audience = audience;
            Title = title;
            Text = text;
            Severity = severity;
            Status = status;
            Impact = impact;
            CurrentAction = currentAction;
            Commander = commander;
            NextUpdate = nextUpdate;
            LastUpdated = lastUpdated;
        }

        public string IncidentId { get; }

        public IncidentAudience Audience { get; }

        /// <summary>One line: the Slack header, the status page incident's name.</summary>
        public string Title { get; }

        /// <summary>The whole message, already redacted; the External one names no internal host, pod, namespace or key.</summary>
        public string Text { get; }

        public IncidentSeverity Severity { get; }

        public IncidentStatus Status { get; }

        public string Impact { get; }

        public string CurrentAction { get; }

        /// <summary>The incident commander; the External message never names them.</summary>
        public string? Commander { get; }

        /// <summary>When the next update is promised, UTC.</summary>
        public DateTimeOffset NextUpdate { get; }

        /// <summary>When the incident's journal last changed, UTC.</summary>
        public DateTimeOffset LastUpdated { get; }

        public override string ToString() => Text;
    }
}
