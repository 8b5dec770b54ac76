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
    /// Waits for a deployment's rollout the way `kubectl rollout status` reads it (watching it, polling as a fallback): the controller has observed the
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
        /// Follows the rollout of <paramref name="patched"/> (the deployment the write returned) until it is complete,
        /// the deadline passed, or <paramref name="timeout"/> ran out: through a watch from the write's resourceVersion,
        /// as kubectl rollout status does (each change seen as it happens), and by polling when the watch is refused or
        /// ends. Never throws for a stuck rollout: the status says TimedOut.
        /// </summary>
        public static async Task<(RolloutStatus Status, V1Deployment Deployment)> WaitAsync(
            IKubernetesGateway gateway, V1Deployment patched, TimeSpan timeout, TimeSpan requestTimeout, TimeProvider time, Action<string>? progress, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            var name = patched.Metadata.Name;
            var generation = patched.Metadata.Generation ?? 0;
            string? lastMessage = null;
            (bool Done, bool DeadlineExceeded, string Message) Look(V1Deployment deployment)
            {
                var reading = Read(deployment, generation);
                if (reading.Message != lastMessage)
                {
                    progress?.Invoke(reading.Message);
                    lastMessage = reading.Message;
                }

                return reading;
            }

            var first = Look(patched);
            if (first.Done || first.DeadlineExceeded)
            {
                return (Status(patched, first.Done ? RolloutState.Complete : RolloutState.TimedOut, first.Message, clock.Elapsed), patched);
            }

            using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                bounded.CancelAfter(timeout);
                try
                {
                    await foreach (var deployment in gateway.WatchDeploymentAsync(name, patched.Metadata.ResourceVersion, bounded.Token).ConfigureAwait(false))
                    {
                        var (done, deadline, message) = Look(deployment);
                        if (done || deadline)
                        {
                            return (Status(deployment, done ? RolloutState.Complete : RolloutState.TimedOut, message, clock.Elapsed), deployment);
                        }
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // -RolloutTimeoutSec ran out while watching: the last reading below says how far it got.
                }
                catch (RunbookException)
                {
                    // The watch was refused (RBAC without watch) or broke: polling needs only get.
                }
            }

            return await PollAsync(gateway, name, generation, clock, timeout, requestTimeout, time, Look, cancellationToken).ConfigureAwait(false);
        }

        static async Task<(RolloutStatus Status, V1Deployment Deployment)> PollAsync(
            IKubernetesGateway gateway, string name, long generation, Stopwatch clock, TimeSpan timeout, TimeSpan requestTimeout, TimeProvider time,
            Func<V1Deployment, (bool Done, bool DeadlineExceeded, string Message)> look, CancellationToken cancellationToken)
        {
            while (true)
            {
                V1Deployment deployment;
                var asked = clock.Elapsed;
                using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    bounded.CancelAfter(requestTimeout);
                    deployment = await gateway.GetDeploymentAsync(name, bounded.Token).ConfigureAwait(false);
                }

                var (done, deadline, message) = look(deployment);
                if (done || deadline || clock.Elapsed >= timeout)
                {
                    var state = done ? RolloutState.Complete : RolloutState.TimedOut;
                    var text = done || deadline ? message : $"{message} (gave up after {timeout.TotalSeconds:0} s)";
                    return (Status(deployment, state, text, clock.Elapsed), deployment);
                }

                // One reading per PollInterval at most, but never a pause on top of a slow API's own round trip.
                var pause = PollInterval - (clock.Elapsed - asked);
                var left = timeout - clock.Elapsed;
                pause = pause < left ? pause : left;
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
                }
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
