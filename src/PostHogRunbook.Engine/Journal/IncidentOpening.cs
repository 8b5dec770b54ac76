using System;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Journal
{
    /// <summary>
    /// What a new incident starts from: a target and a first verdict (a triage report, or a person's word).
    /// <c>IncidentOpening.FromReport(report) with { Commander = "alice" }</c> names the commander from the start.
    /// </summary>
    public sealed record IncidentOpening
    {
        public IncidentOpening(TriageTarget target, IncidentSeverity severity, TriageCategory category, string summary)
        {
            Target = target ?? throw new ArgumentNullException(nameof(target));
            Severity = severity;
            Category = category;
            Summary = summary ?? string.Empty;
        }

        IncidentOpening(TriageReport report)
            : this(report.Target, report.Severity, report.Category, report.Summary)
        {
            Report = report;
        }

        /// <summary>Opens from a triage: its target, category and severity, and the report journaled as the first triage.</summary>
        public static IncidentOpening FromReport(TriageReport report) => new(report ?? throw new ArgumentNullException(nameof(report)));

        public TriageTarget Target { get; }

        public IncidentSeverity Severity { get; }

        public TriageCategory Category { get; }

        /// <summary>Why the incident is opened, one line.</summary>
        public string Summary { get; }

        /// <summary>The triage it was opened from, if any.</summary>
        public TriageReport? Report { get; }

        /// <summary>The incident commander from the start, if known.</summary>
        public string? Commander { get; init; }

        /// <summary>The user impact from the start, if known.</summary>
        public string? Impact { get; init; }
    }

    /// <summary>The answer of <see cref="IIncidentJournal.OpenOrContinueAsync"/>: the incident, and whether it was opened just now.</summary>
    public sealed class IncidentOpenResult
    {
        public IncidentOpenResult(PostHogIncident incident, bool isNew)
        {
            Incident = incident;
            IsNew = isNew;
        }

        public PostHogIncident Incident { get; }

        public bool IsNew { get; }
    }
}
