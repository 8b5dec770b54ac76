using System.Collections.Generic;
using System.Linq;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>The decision tree's answer, before it is wrapped into a report with the checks and the target.</summary>
    public sealed record TriageVerdict(
        TriageCategory Category,
        IncidentSeverity Severity,
        RemediationAction Action,
        IReadOnlyList<DecisionStep> Steps,
        string? DominantError,
        double? ErrorRatio,
        string Summary)
    {
        /// <summary>The steps as sentences.</summary>
        public IReadOnlyList<string> Path => Steps.Select(step => step.Text).ToList();
    }
}
