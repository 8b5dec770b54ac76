using System;
using System.Collections.Generic;

namespace PostHogRunbook.Model
{
    /// <summary>The verdict of one triage, as the incident keeps it (the checks' evidence stays in the report and the bundle).</summary>
    public sealed class IncidentTriageRecord
    {
        public IncidentTriageRecord(
            DateTimeOffset at,
            TriageCategory category,
            IncidentSeverity severity,
            RemediationAction recommendedAction,
            string summary,
            IReadOnlyList<string> decisionPath,
            string? dominantError,
            double? errorRatio)
        {
            At = at;
            Category = category;
            Severity = severity;
            RecommendedAction = recommendedAction;
            Summary = summary;
            DecisionPath = decisionPath;
            DominantError = dominantError;
            ErrorRatio = errorRatio;
        }

        /// <summary>When the triage started, UTC.</summary>
        public DateTimeOffset At { get; }

        public TriageCategory Category { get; }

        public IncidentSeverity Severity { get; }

        public RemediationAction RecommendedAction { get; }

        public string Summary { get; }

        public IReadOnlyList<string> DecisionPath { get; }

        /// <summary>The HTTP status class with the most errors ("401", "429", "503", "timeout"), if any.</summary>
        public string? DominantError { get; }

        /// <summary>Errors / requests over the triage's window, when the metrics allowed it.</summary>
        public double? ErrorRatio { get; }
    }
}
