using System;
using System.Security;
using k8s.Models;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Remediation
{
    /// <summary>What a remediation change is, before it is made.</summary>
    internal enum ChangeKind
    {
        SetEnv,
        RemoveEnv,
        RotateKey,
        RestoreKey,
        Restart,
    }

    /// <summary>
    /// One change, read and computed but not made: the cmdlet shows it (ShouldProcess, -WhatIf) on the pipeline
    /// thread, then hands it to <see cref="Remediator.ApplyAsync"/>. Nothing is written while planning.
    /// </summary>
    public sealed class RemediationPlan
    {
        internal RemediationPlan(RemediationAction action, ChangeKind kind, TriageTarget target, IKubernetesGateway gateway, string? container, string setting, string? before, string? after, bool alreadyInState, string undo)
        {
            Action = action;
            Kind = kind;
            Target = target;
            Gateway = gateway;
            Container = container;
            Setting = setting;
            Before = before;
            After = after;
            AlreadyInState = alreadyInState;
            Undo = undo;
        }

        public RemediationAction Action { get; }

        public TriageTarget Target { get; }

        public string? Container { get; }

        public string Setting { get; }

        /// <summary>Now (null: absent). A key only by its hint.</summary>
        public string? Before { get; }

        public string? After { get; }

        /// <summary>The deployment already is as wanted: applying it writes nothing.</summary>
        public bool AlreadyInState { get; }

        /// <summary>
        /// Whether a plan read while the remediation lock was being taken must be read again under it: true when its
        /// write cannot carry the plan's resourceVersion as a precondition (a key rotation or restore: the secret's own
        /// is checked, the restart after it is not) or when it writes nothing (already in state: nothing a 409 could
        /// catch). An env change or a restart can (<see cref="RemediationOptions.IfUnchanged"/>).
        /// </summary>
        public bool ReadAgainUnderLock => AlreadyInState || DeploymentVersion == null || Kind is ChangeKind.RotateKey or ChangeKind.RestoreKey;

        /// <summary>How to take it back, as a command line.</summary>
        public string Undo { get; }

        /// <summary>What ShouldProcess names as the target: the deployment (or secret) and its context.</summary>
        public string ShouldProcessTarget => Kind is ChangeKind.RotateKey or ChangeKind.RestoreKey
            ? $"secret {Target.Namespace}/{Target.SecretName} and deployment {Target.Deployment}{ContextText}"
            : $"deployment {Target.Namespace}/{Target.Deployment}{ContextText}";

        /// <summary>What ShouldProcess names as the action.</summary>
        public string ShouldProcessAction => Kind switch
        {
            ChangeKind.SetEnv => $"Set {Setting} = {After} in container {Container} (now {Before ?? "unset"}), then wait for the rollout",
            ChangeKind.RemoveEnv => $"Remove {Setting} from container {Container} (now {Before}), then wait for the rollout",
            ChangeKind.RotateKey => $"Back up the key to {BackupSecretName} ({BackupKey}), replace {Setting} ({Before} -> {After}) with a resourceVersion precondition, then restart the rollout",
            ChangeKind.RestoreKey => $"Restore {Setting} from the backup secret {BackupSecretName} ({Before} -> {After}), then restart the rollout",
            _ => "Restart the rollout (pod-template annotation kubectl.kubernetes.io/restartedAt), then wait for it",
        };

        string ContextText => string.IsNullOrEmpty(Target.Context) ? string.Empty : $" (context {Target.Context})";

        internal ChangeKind Kind { get; }

        internal IKubernetesGateway Gateway { get; }

        /// <summary>The env variable a SetEnv/RemoveEnv changes, and its new value.</summary>
        internal string? EnvName { get; init; }

        internal string? EnvValue { get; init; }

        /// <summary>The env entry had valueFrom: the patch must drop it for the plain value to win.</summary>
        internal bool EnvHadValueFrom { get; init; }

        /// <summary>
        /// The deployment's resourceVersion as the plan read it: with <see cref="RemediationOptions.IfUnchanged"/>, the
        /// precondition of the patch that makes an env change or a restart, so a deployment changed since (by another
        /// writer, kubectl by hand, its controller) refuses the patch with a 409 instead of taking a change computed
        /// from what it no longer is.
        /// </summary>
        internal string? DeploymentVersion { get; init; }

        /// <summary>The secret as read (its resourceVersion is the precondition of the write).</summary>
        internal V1Secret? Secret { get; init; }

        internal SecureString? NewKey { get; init; }

        internal string? BackupSecretName { get; init; }

        /// <summary>The key of the backup Secret that holds (or will hold) the value this rotation replaces.</summary>
        internal string? BackupKey { get; init; }

        /// <summary>The restore: the key value from the backup (held only between planning and applying).</summary>
        internal byte[]? RestoredValue { get; init; }
    }
}
