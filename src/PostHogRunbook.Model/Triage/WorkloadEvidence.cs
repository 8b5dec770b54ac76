using System;
using System.Collections.Generic;

namespace PostHogRunbook.Model
{
    /// <summary>The integration's deployment, its pods (by selector only) and their Warning events.</summary>
    public sealed class WorkloadEvidence : TriageEvidence
    {
        public WorkloadEvidence(
            string? context,
            string @namespace,
            string deployment,
            int desiredReplicas,
            int availableReplicas,
            int updatedReplicas,
            IReadOnlyList<PodSummary> pods,
            IReadOnlyList<string> warningEvents,
            IReadOnlyDictionary<string, string> environment)
        {
            Context = context;
            Namespace = @namespace;
            Deployment = deployment;
            DesiredReplicas = desiredReplicas;
            AvailableReplicas = availableReplicas;
            UpdatedReplicas = updatedReplicas;
            Pods = pods;
            WarningEvents = warningEvents;
            Environment = environment;
        }

        public string? Context { get; }

        public string Namespace { get; }

        public string Deployment { get; }

        public int DesiredReplicas { get; }

        public int AvailableReplicas { get; }

        public int UpdatedReplicas { get; }

        public IReadOnlyList<PodSummary> Pods { get; }

        /// <summary>"Reason: message (xN)" for each Warning event on the deployment or its pods.</summary>
        public IReadOnlyList<string> WarningEvents { get; }

        /// <summary>The runbook's switches in the first container's env (POSTHOG_FALLBACK, RATE_LIMIT_MODE, POSTHOG_HOST).</summary>
        public IReadOnlyDictionary<string, string> Environment { get; }

        public override string ToString() => $"{Namespace}/{Deployment}: {AvailableReplicas}/{DesiredReplicas} available, {Pods.Count} pods, {WarningEvents.Count} warning events";
    }

    /// <summary>One pod of the integration.</summary>
    public sealed class PodSummary
    {
        public PodSummary(string name, string phase, bool ready, int restarts, string? reason, DateTimeOffset? startedAt)
        {
            Name = name;
            Phase = phase;
            Ready = ready;
            Restarts = restarts;
            Reason = reason;
            StartedAt = startedAt;
        }

        public string Name { get; }

        public string Phase { get; }

        public bool Ready { get; }

        public int Restarts { get; }

        /// <summary>CrashLoopBackOff, OOMKilled, ImagePullBackOff, ... when a container is not well.</summary>
        public string? Reason { get; }

        public DateTimeOffset? StartedAt { get; }

        public override string ToString() => $"{Name} {Phase}{(Ready ? " ready" : " not ready")}, {Restarts} restarts{(Reason != null ? ", " + Reason : string.Empty)}";
    }
}
