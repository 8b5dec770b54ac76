using System;

namespace PostHogRunbook.Model
{
    /// <summary>How the rollout that followed a change ended (kubectl rollout status's reading of the deployment).</summary>
    public enum RolloutState
    {
        /// <summary>Every replica updated and available, no old replica left.</summary>
        Complete,

        /// <summary>The deployment reported ProgressDeadlineExceeded, or -RolloutTimeoutSec passed first.</summary>
        TimedOut,

        /// <summary>-NoWait: the change was made, the rollout not awaited.</summary>
        NotWaited,

        /// <summary>No rollout: nothing in the pod template changed (or nothing was written).</summary>
        NotNeeded,
    }

    /// <summary>Whether the change was seen to help (the env in the rolled-out template, the probe with the new key...).</summary>
    public enum VerificationOutcome
    {
        Verified,
        NotVerified,
        Skipped,
    }

    /// <summary>The rollout after a change, with kubectl's replica counts.</summary>
    public sealed class RolloutStatus
    {
        public RolloutStatus(RolloutState state, int desiredReplicas, int updatedReplicas, int availableReplicas, int oldReplicas, string message, TimeSpan waited)
        {
            State = state;
            DesiredReplicas = desiredReplicas;
            UpdatedReplicas = updatedReplicas;
            AvailableReplicas = availableReplicas;
            OldReplicas = oldReplicas;
            Message = message;
            Waited = waited;
        }

        public RolloutState State { get; }

        public int DesiredReplicas { get; }

        public int UpdatedReplicas { get; }

        public int AvailableReplicas { get; }

        /// <summary>Replicas of older ReplicaSets still running.</summary>
        public int OldReplicas { get; }

        public string Message { get; }

        public TimeSpan Waited { get; }

        public override string ToString() => $"{State}: {UpdatedReplicas}/{DesiredReplicas} updated, {AvailableReplicas} available, {OldReplicas} old";
    }

    /// <summary>
    /// The result of one remediation primitive (Set-PostHogFallback, Set-PostHogRateLimitMode, Update-PostHogApiKey,
    /// Restart-PostHogIntegration): what was changed where, from what to what, how the rollout went, whether it
    /// helped, and how to take it back. Holds no key: a key is shown by its hint only.
    /// </summary>
    public sealed class RemediationResult
    {
        public RemediationResult(
            RemediationAction action,
            TriageTarget target,
            string? container,
            string setting,
            string? before,
            string? after,
            RemediationOutcome outcome,
            RolloutStatus? rollout,
            VerificationOutcome verification,
            string? verificationDetail,
            TimeSpan duration,
            string? undo,
            string? incidentId,
            string? errorId,
            string message)
        {
            Action = action;
            Target = target;
            Container = container;
            Setting = setting;
            Before = before;
            After = after;
            Outcome = outcome;
            Rollout = rollout;
            Verification = verification;
            VerificationDetail = verificationDetail;
            Duration = duration;
            Undo = undo;
            IncidentId = incidentId;
            ErrorId = errorId;
            Message = message;
        }

        public RemediationAction Action { get; }

        public TriageTarget Target { get; }

        /// <summary>The container whose env was changed (null for a secret or a restart).</summary>
        public string? Container { get; }

        /// <summary>What was changed: "env POSTHOG_FALLBACK", "secret posthog-secrets/api-key", "annotation kubectl.kubernetes.io/restartedAt".</summary>
        public string Setting { get; }

        /// <summary>The value before (null: absent). For a key, its hint.</summary>
        public string? Before { get; }

        public string? After { get; }

        public RemediationOutcome Outcome { get; }

        public RolloutStatus? Rollout { get; }

        public VerificationOutcome Verification { get; }

        public string? VerificationDetail { get; }

        public TimeSpan Duration { get; }

        /// <summary>How to take the change back: the cmdlet (and kubectl) line; null when there is nothing to undo.</summary>
        public string? Undo { get; }

        /// <summary>The incident the change was journaled in, if any.</summary>
        public string? IncidentId { get; }

        /// <summary>For a Failed outcome: the stable id of the failure.</summary>
        public string? ErrorId { get; }

        /// <summary>One line for a human.</summary>
        public string Message { get; }

        /// <summary>The same result, journaled in an incident.</summary>
        public RemediationResult InIncident(string incidentId)
            => new(Action, Target, Container, Setting, Before, After, Outcome, Rollout, Verification, VerificationDetail, Duration, Undo, incidentId, ErrorId, Message);

        public override string ToString() => $"{Action} {Outcome}: {Message}";
    }
}
