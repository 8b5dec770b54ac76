using System;
using System.Collections.Generic;
using System.Linq;

namespace PostHogRunbook.Model
{
    /// <summary>The verdict of Invoke-PostHogTriage: category, severity, next action, the path through the tree, the checks.</summary>
    public sealed class TriageReport
    {
        public TriageReport(
            TriageCategory category,
            IncidentSeverity severity,
            RemediationAction recommendedAction,
            string summary,
            IReadOnlyList<DecisionStep> decisionSteps,
            string? dominantError,
            double? errorRatio,
            IReadOnlyList<TriageCheck> checks,
            TriageTarget target,
            DateTimeOffset startedAt,
            TimeSpan duration)
        {
            Category = category;
            Severity = severity;
            RecommendedAction = recommendedAction;
            Summary = summary;
            DecisionSteps = ReadableList.From(decisionSteps, " ");
            DecisionPath = ReadableList.From(decisionSteps.Select(step => step.Text).ToList(), " ");
            DominantError = dominantError;
            ErrorRatio = errorRatio;
            Checks = ReadableList.From(checks);
            Target = target;
            StartedAt = startedAt;
            Duration = duration;
        }

        public TriageCategory Category { get; }

        public IncidentSeverity Severity { get; }

        public RemediationAction RecommendedAction { get; }

        /// <summary>One line: the verdict and its main reason.</summary>
        public string Summary { get; }

        /// <summary>Each branch of the decision tree taken: question, answer, the evidence that decided it.</summary>
        public IReadOnlyList<DecisionStep> DecisionSteps { get; }

        /// <summary>The same path in words: each step's sentence.</summary>
        public IReadOnlyList<string> DecisionPath { get; }

        /// <summary>The HTTP status class with the most errors ("401", "429", "503", "timeout"), if any.</summary>
        public string? DominantError { get; }

        /// <summary>Errors / requests over the window, when the metrics allow it.</summary>
        public double? ErrorRatio { get; }

        public IReadOnlyList<TriageCheck> Checks { get; }

        public TriageTarget Target { get; }

        public DateTimeOffset StartedAt { get; }

        public TimeSpan Duration { get; }
    }
}
