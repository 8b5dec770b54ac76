using System;

namespace PostHogRunbook.Model
{
    /// <summary>One check of a triage: its outcome, a line for a human, how long it took, what it saw.</summary>
    public sealed class TriageCheck
    {
        public TriageCheck(TriageCheckName name, CheckStatus status, string summary, TimeSpan duration, TriageEvidence? evidence, string? error, string? errorId)
        {
            Name = name;
            Status = status;
            Summary = summary;
            Duration = duration;
            Evidence = evidence;
            Error = error;
            ErrorId = errorId;
        }

        public TriageCheckName Name { get; }

        public CheckStatus Status { get; }

        public string Summary { get; }

        public TimeSpan Duration { get; }

        /// <summary>What the check saw: a PostHogStatus, ApiProbeEvidence, AppHealthEvidence, ErrorRateEvidence, WorkloadEvidence or ErrorLogEvidence.</summary>
        public TriageEvidence? Evidence { get; }

        /// <summary>Why the check is Unavailable: what failed, already redacted.</summary>
        public string? Error { get; }

        /// <summary>The stable id of that failure (KubernetesForbidden, PrometheusUnreachable, ...).</summary>
        public string? ErrorId { get; }

        public override string ToString() => $"{Name}: {Status} - {Summary}";
    }
}
