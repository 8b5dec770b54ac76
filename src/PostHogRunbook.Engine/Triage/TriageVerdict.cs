using System.Collections.Generic;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>The decision tree's answer, before it is wrapped into a report with the checks and the target.</summary>
    public sealed record TriageVerdict(
        TriageCategory Category,
        IncidentSeverity Severity,
        RemediationAction Action,
        IReadOnlyList<string> Path,
        string? DominantError,
        double? ErrorRatio,
        string Summary);
}
