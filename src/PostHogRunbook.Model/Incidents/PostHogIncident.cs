using System;
using System.Collections.Generic;

namespace PostHogRunbook.Model
{
    /// <summary>
    /// An incident as its journal tells it: every field is folded from the append-only entries, in the order
    /// they were written. Output of Get-PostHogIncident, Set-PostHogIncident and New-PostHogIncident.
    /// </summary>
    public sealed class PostHogIncident
    {
        public PostHogIncident(
            string id,
            TriageTarget target,
            TriageCategory category,
            IncidentSeverity severity,
            IncidentStatus status,
            DateTimeOffset startedAt,
            DateTimeOffset updatedAt,
            DateTimeOffset? resolvedAt,
            string? commander,
            string? impact,
            IReadOnlyList<IncidentTriageRecord> reports,
            IReadOnlyList<IncidentAction> actions,
            IReadOnlyList<IncidentEntry> timeline,
            IReadOnlyList<IncidentNotification>? notifications = null)
        {
            Id = id;
            Target = target;
            Category = category;
            Severity = severity;
            Status = status;
            StartedAt = startedAt;
            UpdatedAt = updatedAt;
            ResolvedAt = resolvedAt;
            Commander = commander;
            Impact = impact;
            Reports = reports;
            Actions = actions;
            Timeline = timeline;
            Notifications = notifications ?? Array.Empty<IncidentNotification>();
        }

        /// <summary>Short, sortable by time, unique across machines: 20261129-075631-k3f9x2.</summary>
        public string Id { get; }

        /// <summary>The integration it concerns; its kube context, namespace and deployment identify it.</summary>
        public TriageTarget Target { get; }

        /// <summary>The category of the most severe triage (the newest among equals).</summary>
        public TriageCategory Category { get; }

        /// <summary>The highest severity any triage or the opener gave it: an incident stays the P1 it was once mitigated.</summary>
        public IncidentSeverity Severity { get; }

        public IncidentStatus Status { get; }

        public DateTimeOffset StartedAt { get; }

        /// <summary>When the newest entry was written.</summary>
        public DateTimeOffset UpdatedAt { get; }

        /// <summary>When it was last set Resolved; null while open.</summary>
        public DateTimeOffset? ResolvedAt { get; }

        public string? Commander { get; }

        public string? Impact { get; }

        /// <summary>One record per triage journaled, oldest first.</summary>
        public IReadOnlyList<IncidentTriageRecord> Reports { get; }

        /// <summary>Every change made, attempted or undone, oldest first.</summary>
        public IReadOnlyList<IncidentAction> Actions { get; }

        /// <summary>Every entry, in the order written.</summary>
        public IReadOnlyList<IncidentEntry> Timeline { get; }

        /// <summary>Every send to Slack, PagerDuty or the status page, oldest first, failures included.</summary>
        public IReadOnlyList<IncidentNotification> Notifications { get; }

        public bool IsOpen => Status != IncidentStatus.Resolved;

        public override string ToString() => Id;
    }
}
