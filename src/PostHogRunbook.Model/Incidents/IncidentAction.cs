using System;

namespace PostHogRunbook.Model
{
    /// <summary>
    /// One change made (or attempted, or taken back) for an incident: what, where, the value before and after,
    /// how it went, and how to undo it. Never holds a key: values pass the redactor before they are journaled.
    /// </summary>
    public sealed class IncidentAction
    {
        public IncidentAction(
            DateTimeOffset at,
            IncidentEntryKind kind,
            string action,
            string? target,
            string? container,
            string? before,
            string? after,
            RemediationOutcome outcome,
            string? undo,
            string? errorId,
            string actor)
        {
            At = at;
            Kind = kind;
            Action = action;
            Target = target;
            Container = container;
            Before = before;
            After = after;
            Outcome = outcome;
            Undo = undo;
            ErrorId = errorId;
            Actor = actor;
        }

        /// <summary>When it was journaled, UTC.</summary>
        public DateTimeOffset At { get; }

        /// <summary>Action (a change), ActionFailed (attempted, refused or broken) or Undo (a change taken back).</summary>
        public IncidentEntryKind Kind { get; }

        /// <summary>What was done: the remediation's name (EnableFallback, QueueRequests, RotateApiKey, RestartIntegration, ...).</summary>
        public string Action { get; }

        /// <summary>What it changed: the resource ("deployment/posthog-integration", "secret/posthog-secrets").</summary>
        public string? Target { get; }

        public string? Container { get; }

        /// <summary>The value before ("POSTHOG_FALLBACK unset", "secret resourceVersion 41"), never a key.</summary>
        public string? Before { get; }

        public string? After { get; }

        public RemediationOutcome Outcome { get; }

        /// <summary>How to take it back: a command an SRE can run, or what Undo-PostHogRemediation restores.</summary>
        public string? Undo { get; }

        /// <summary>For a failed attempt: the error's stable id (KubernetesForbidden, RolloutTimedOut, ...).</summary>
        public string? ErrorId { get; }

        public string Actor { get; }
    }
}
