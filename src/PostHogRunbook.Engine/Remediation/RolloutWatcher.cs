using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using k8s.Models;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Remediation
{
    /// <summary>
    /// Waits for a deployment's rollout the way `kubectl rollout status` reads it: the controller has observed the
    /// new generation; every replica is updated; no old replica is left; every updated replica is available; and
    /// a Progressing condition of ProgressDeadlineExceeded ends the wait as a failure.
    /// </summary>
    internal static class RolloutWatcher
    {
        static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

        /// <summary>kubectl's verdict on one reading: done, or what it still waits for, or the deadline passed.</summary>
        public static (bool Done, bool DeadlineExceeded, string Message) Read(V1Deployment deployment, long generation)
        {
            var status = deployment.Status ?? new V1DeploymentStatus();
            var name = deployment.Metadata?.Name;
            if ((status.ObservedGeneration ?? 0) < generation)
            {
                return (false, false, $"Waiting for deployment spec update to be observed (generation {generation}, observed {status.ObservedGeneration ?? 0})");
            }

            var progressing = status.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
            if (progressing?.Reason == "ProgressDeadlineExceeded")
            {
                return (false, true, $"deployment \"{name}\" exceeded its progress deadline");
            }

            var desired = deployment.Spec?.Replicas ?? 1;
            var updated = status.UpdatedReplicas ?? 0;
            var replicas = status.Replicas ?? 0;
            var available = status.AvailableReplicas ?? 0;
            if (updated < desired)
            {
                return (false, false, $"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {desired} new replicas have been updated");
            }

            if (replicas > updated)
            {
                return (false, false, $"Waiting for deployment \"{name}\" rollout to finish: {replicas - updated} old replicas are pending termination");
            }

            if (available < updated)
            {
                return (false, false, $"Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available");
            }

            return (true, false, $"deployment \"{name}\" successfully rolled out");
        }

        /// <summary>
        /// Polls until the rollout of <paramref name="generation"/> is complete, the deadline passed, or
        /// <paramref name="timeout"/> ran out. Never throws for a stuck rollout: the status says TimedOut.
        /// </summary>
        public static async Task<(RolloutStatus Status, V1Deployment Deployment)> WaitAsync(
            IKubernetesGateway gateway, string name, long generation, TimeSpan timeout, TimeSpan requestTimeout, TimeProvider time, Action<string>? progress, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            string? lastMessage = null;
            while (true)
            {
                V1Deployment deployment;
                using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    bounded.CancelAfter(requestTimeout);
                    deployment = await gateway.GetDeploymentAsync(name, bounded.Token).ConfigureAwait(false);
                }

                var (done, deadline, message) = Read(deployment, generation);
                if (message != lastMessage)
                {
                    progress?.Invoke(message);
                    lastMessage = message;
                }

                if (done || deadline || clock.Elapsed >= timeout)
                {
                    var state = done ? RolloutState.Complete : RolloutState.TimedOut;
                    var text = done || deadline ? message : $"{message} (gave up after {timeout.TotalSeconds:0} s)";
                    return (Status(deployment, state, text, clock.Elapsed), deployment);
                }

                var wait = timeout - clock.Elapsed;
                await Task.Delay(wait < PollInterval ? wait : PollInterval, time, cancellationToken).ConfigureAwait(false);
            }
        }

        public static RolloutStatus Status(V1Deployment deployment, RolloutState state, string message, TimeSpan waited)
        {
            var status = deployment.Status ?? new V1DeploymentStatus();
            var updated = status.UpdatedReplicas ?? 0;
            return new RolloutStatus(state, deployment.Spec?.Replicas ?? 1, updated, status.AvailableReplicas ?? 0, Math.Max(0, (status.Replicas ?? 0) - updated), message, waited);
        }
    }
}
