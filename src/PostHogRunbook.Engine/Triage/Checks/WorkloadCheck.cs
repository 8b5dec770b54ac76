using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using k8s.Models;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage.Checks
{
    /// <summary>The deployment, its pods (by selector only: nothing else in the namespace is read) and Warning events.</summary>
    internal sealed class WorkloadCheck : ITriageCheck
    {
        static readonly string[] RunbookEnvironment = { "POSTHOG_FALLBACK", "RATE_LIMIT_MODE", "POSTHOG_HOST" };

        public TriageCheckName Name => TriageCheckName.Workload;

        public int SequentialCalls => 1;

        public bool UsesKubernetes => true;

        public async Task<CheckOutcome> RunAsync(TriageContext context, CancellationToken cancellationToken)
        {
            if (!context.HasKubernetes)
            {
                return CheckOutcome.Skipped("no kubeconfig: pass -KubeConfig or set KUBECONFIG");
            }

            // Three independent reads, at once: the check costs one round trip, not three.
            var gateway = await context.GatewayAsync().ConfigureAwait(false);
            var deploymentRead = context.DeploymentAsync();
            var podsRead = context.PodsAsync();
            var eventsRead = ReadEventsAsync(context, gateway, cancellationToken);
            await Task.WhenAll(deploymentRead, podsRead, eventsRead).ConfigureAwait(false);
            var deployment = await deploymentRead.ConfigureAwait(false);
            var pods = await podsRead.ConfigureAwait(false);
            var events = await eventsRead.ConfigureAwait(false);

            var podNames = new HashSet<string>(pods.Select(p => p.Metadata.Name), StringComparer.Ordinal);
            var warnings = events
                .Where(e => e.InvolvedObject?.Name is { } name && (podNames.Contains(name) || name == context.Deployment || name.StartsWith(context.Deployment + "-", StringComparison.Ordinal)))
                .OrderByDescending(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata.CreationTimestamp)
                .Select(e => context.Redactor.Redact($"{e.Reason}: {e.Message} (x{e.Count ?? 1}) on {e.InvolvedObject.Kind?.ToLowerInvariant()}/{e.InvolvedObject.Name}"))
                .Take(20)
                .ToList();
            var summaries = pods.Select(Summarize).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            var desired = deployment.Spec?.Replicas ?? 1;
            var available = deployment.Status?.AvailableReplicas ?? 0;
            var updated = deployment.Status?.UpdatedReplicas ?? 0;
            if (pods.Count == 0 && (desired > 0 || available > 0))
            {
                // The deployment has replicas the selector cannot see: a wrong -Selector, not a healthy workload.
                throw SelectorMatchesNoPods(context, gateway, $"deployment {context.Deployment} reports {available}/{desired} available");
            }

            var environment = (deployment.Spec?.Template?.Spec?.Containers?.FirstOrDefault()?.Env ?? new List<V1EnvVar>())
                .Where(e => RunbookEnvironment.Contains(e.Name) && e.Value != null)
                .ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
            var evidence = new WorkloadEvidence(context.ResolvedContext, gateway.Namespace, context.Deployment, desired, available, updated, summaries, warnings, environment);

            var failing = summaries.Where(p => p.Reason != null).ToList();
            var line = $"{context.Deployment}: {available}/{desired} available, {summaries.Count} pods";
            if (failing.Count > 0)
            {
                line += ", failing: " + string.Join(", ", failing.Select(p => $"{p.Name} {p.Reason} ({p.Restarts} restarts)"));
            }

            if (warnings.Count > 0)
            {
                line += $", {warnings.Count} warning events";
            }

            if ((desired > 0 && available == 0) || failing.Count > 0)
            {
                return new CheckOutcome(CheckStatus.Fail, line + ".", evidence);
            }

            return available < desired || warnings.Count > 0
                ? new CheckOutcome(CheckStatus.Warn, line + ".", evidence)
                : new CheckOutcome(CheckStatus.Pass, line + ".", evidence);
        }

        /// <summary>The selector names no pod while pods are expected: what the workload and log checks cannot see past.</summary>
        internal static RunbookException SelectorMatchesNoPods(TriageContext context, Kubernetes.IKubernetesGateway gateway, string expected)
            => new(
                "SelectorMatchesNoPods",
                RunbookErrorKind.ObjectNotFound,
                $"The selector {context.Selector} matches no pod in namespace {gateway.Namespace}, but {expected}: check -Selector (the deployment's own selector is in its spec.selector).",
                context.Selector);

        static async Task<IReadOnlyList<Corev1Event>> ReadEventsAsync(TriageContext context, Kubernetes.IKubernetesGateway gateway, CancellationToken cancellationToken)
        {
            using var bounded = context.Bounded(cancellationToken);
            return await gateway.ListWarningEventsAsync(bounded.Token).ConfigureAwait(false);
        }

        static PodSummary Summarize(V1Pod pod)
        {
            var statuses = pod.Status?.ContainerStatuses ?? new List<V1ContainerStatus>();
            string? reason = null;
            foreach (var status in statuses)
            {
                if (status.LastState?.Terminated?.Reason == "OOMKilled" || status.State?.Terminated?.Reason == "OOMKilled")
                {
                    reason = "OOMKilled";
                    break;
                }

                reason ??= status.State?.Waiting?.Reason is { } waiting && waiting != "ContainerCreating" && waiting != "PodInitializing" ? waiting : null;
                reason ??= status.State?.Terminated?.Reason is { } terminated && terminated != "Completed" ? terminated : null;
            }

            var ready = statuses.Count > 0 && statuses.All(s => s.Ready);
            var started = pod.Status?.StartTime is { } start ? new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc)) : (DateTimeOffset?)null;
            return new PodSummary(pod.Metadata.Name, pod.Status?.Phase ?? "Unknown", ready, statuses.Sum(s => s.RestartCount), reason, started);
        }
    }
}
