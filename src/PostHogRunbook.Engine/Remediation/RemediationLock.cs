using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using k8s.Models;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Remediation
{
    /// <summary>
    /// Who held the remediation lock before this one took it: a holder whose lease had expired (renewTime plus its
    /// duration in the past), or one still valid that -Force pushed aside. Journaled and shown as a warning.
    /// </summary>
    public sealed record RemediationLockTakeover(string PreviousHolder, string? PreviousOperation, DateTimeOffset? HeldSince, DateTimeOffset? RenewedAt, DateTimeOffset? ValidUntil, bool Forced, string Message);

    /// <summary>
    /// The remediation lock of one deployment: a coordination.k8s.io/v1 Lease named for it, so that two SREs, or an SRE
    /// and the scheduled job, never patch the same deployment at once. Taken atomically (a create, or a replace with the
    /// resourceVersion read as its precondition: of two racing takers exactly one wins), renewed on the command's clock
    /// while held (a rollout can take minutes; the lease lasts <see cref="DefaultDurationSeconds"/>), and released with a
    /// resourceVersion precondition, so another holder's lease is never deleted. A holder that dies leaves a lease that
    /// expires by itself and is then taken over.
    /// </summary>
    public sealed class RemediationLock : IAsyncDisposable
    {
        public const string LeasePrefix = "posthog-runbook-";

        /// <summary>The error a second writer gets while the lock is held (stable: scripts match on it).</summary>
        public const string InProgressErrorId = "RemediationInProgress";

        /// <summary>How long a lease lasts unless renewed: a dead holder blocks the deployment at most this long.</summary>
        public const int DefaultDurationSeconds = 60;

        /// <summary>What the holder is doing (the command and its process), so the next writer's error can say it.</summary>
        public const string OperationAnnotation = "posthog-runbook/operation";

        /// <summary>This lock's own id: tells this holder's lease from another process of the same user on the same host.</summary>
        public const string LockIdAnnotation = "posthog-runbook/lock-id";

        const int MaxTakeAttempts = 5;

        readonly IKubernetesGateway gateway;
        readonly TimeProvider time;
        readonly TimeSpan requestTimeout;
        readonly string lockId;
        readonly CancellationTokenSource stopRenewing;
        readonly SemaphoreSlim writing = new(1, 1);
        readonly PeriodicTimer renewalTimer;
        readonly Task renewing;
        V1Lease lease;
        int released;

        RemediationLock(IKubernetesGateway gateway, V1Lease lease, string lockId, string deployment, RemediationLockTakeover? takeover, TimeProvider time, TimeSpan requestTimeout, CancellationToken commandToken)
        {
            this.gateway = gateway;
            this.lease = lease;
            this.lockId = lockId;
            this.time = time;
            this.requestTimeout = requestTimeout;
            Deployment = deployment;
            Operation = lease.Metadata.Annotations?.TryGetValue(OperationAnnotation, out var operation) == true ? operation : null;
            Takeover = takeover;
            Holder = lease.Spec.HolderIdentity;
            AcquiredAt = Utc(lease.Spec.AcquireTime) ?? time.GetUtcNow();
            Duration = TimeSpan.FromSeconds(lease.Spec.LeaseDurationSeconds ?? DefaultDurationSeconds);

            // Every third of the duration on the command's clock, counted from the take (the timer starts here, not
            // when the loop first waits). Renewal ends with the lock, and with the command (Ctrl+C): the release then
            // still runs, on its own budget.
            renewalTimer = new PeriodicTimer(Duration / 3, time);
            stopRenewing = CancellationTokenSource.CreateLinkedTokenSource(commandToken);
            renewing = Task.Run(() => RenewAsync(stopRenewing.Token), CancellationToken.None);
        }

        public string LeaseName => lease.Metadata.Name;

        public string Namespace => gateway.Namespace;

        public string? Context => gateway.Context;

        public string Deployment { get; }

        public string Holder { get; }

        /// <summary>What this holder said it is doing (its <see cref="OperationAnnotation"/>).</summary>
        public string? Operation { get; }

        public DateTimeOffset AcquiredAt { get; }

        public TimeSpan Duration { get; }

        /// <summary>The holder this lock replaced (an expired lease, or -Force); null when the lease was free.</summary>
        public RemediationLockTakeover? Takeover { get; }

        /// <summary>The last renewal, as the lease now says.</summary>
        public DateTimeOffset? RenewedAt => Utc(lease.Spec.RenewTime);

        /// <summary>How many times this lock has renewed its lease.</summary>
        public int Renewals { get; private set; }

        /// <summary>Why the lease is no longer this lock's (another writer took it over, or -Force): null while it is held.</summary>
        public string? Lost { get; private set; }

        /// <summary>The lock's Lease name for a deployment: posthog-runbook-&lt;deployment&gt;, a valid object name however long the deployment's.</summary>
        public static string LeaseNameFor(string deployment)
        {
            ArgumentException.ThrowIfNullOrEmpty(deployment);
            var name = LeasePrefix + deployment.ToLowerInvariant();
            if (name.Length <= 253)
            {
                return name;
            }

            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(deployment)))[..10].ToLowerInvariant();
            return name[..(253 - 11)].TrimEnd('-', '.') + "-" + hash;
        }

        /// <summary>
        /// Takes the lock of <paramref name="deployment"/>: creates its Lease, or replaces one that is free, expired, or
        /// (with <paramref name="force"/>) held, with the resourceVersion read as the precondition. Another valid holder
        /// is RemediationInProgress naming it and since when; a refusal by RBAC is KubernetesForbidden naming leases.
        /// </summary>
        internal static async Task<RemediationLock> AcquireAsync(
            IKubernetesGateway gateway, string deployment, string holder, string operation, bool force, int durationSeconds, TimeProvider time, TimeSpan requestTimeout, CancellationToken cancellationToken)
        {
            var name = LeaseNameFor(deployment);
            var lockId = Guid.NewGuid().ToString("n");
            V1Lease? lastSeen = null;
            for (var attempt = 0; attempt < MaxTakeAttempts; attempt++)
            {
                var now = time.GetUtcNow();
                try
                {
                    var created = await Bounded(token => gateway.CreateLeaseAsync(NewLease(name, holder, operation, lockId, durationSeconds, now, null), token), requestTimeout, cancellationToken).ConfigureAwait(false);
                    return new RemediationLock(gateway, created, lockId, deployment, null, time, requestTimeout, cancellationToken);
                }
                catch (RunbookException ex) when (ex.ErrorId == "KubernetesAlreadyExists")
                {
                    // Someone holds it, held it, or is taking it right now: read it and judge.
                }

                V1Lease existing;
                try
                {
                    existing = await Bounded(token => gateway.GetLeaseAsync(name, token), requestTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (RunbookException ex) when (ex.ErrorId == "KubernetesNotFound")
                {
                    // Released between our create and our read: try the create again.
                    continue;
                }

                lastSeen = existing;
                var spec = existing.Spec ?? new V1LeaseSpec();
                var free = string.IsNullOrEmpty(spec.HolderIdentity);
                var validUntil = ValidUntil(existing);
                var expired = validUntil == null || validUntil < now;
                if (!free && !expired && !force)
                {
                    throw InProgress(gateway, existing, deployment);
                }

                var replacement = NewLease(name, holder, operation, lockId, durationSeconds, now, existing);
                try
                {
                    var taken = await Bounded(token => gateway.ReplaceLeaseAsync(replacement, token), requestTimeout, cancellationToken).ConfigureAwait(false);
                    var takeover = free ? null : TakeoverOf(existing, gateway, forced: !expired, now);
                    return new RemediationLock(gateway, taken, lockId, deployment, takeover, time, requestTimeout, cancellationToken);
                }
                catch (RunbookException ex) when (ex.ErrorId is "KubernetesConflict" or "KubernetesNotFound")
                {
                    // Another writer changed it since we read it (they took it, renewed it or released it): look again.
                }
            }

            throw lastSeen != null
                ? InProgress(gateway, lastSeen, deployment)
                : new RunbookException(InProgressErrorId, RunbookErrorKind.ResourceBusy,
                    $"The remediation lock of deployment {gateway.Namespace}/{deployment} (Lease {name}) keeps changing hands: other writers are at work. Nothing was written.", name);
        }

        /// <summary>
        /// Stops renewing and deletes the lease if it is still this lock's (resourceVersion precondition); a lease another
        /// writer took over is left alone. Runs on its own time budget even when the command was cancelled (Ctrl+C), so an
        /// interrupted remediation does not block the next one for a lease's duration. Returns a warning when the release
        /// failed (the lease then expires by itself), else null.
        /// </summary>
        public async Task<string?> ReleaseAsync()
        {
            if (Interlocked.Exchange(ref released, 1) == 1)
            {
                return null;
            }

            await stopRenewing.CancelAsync().ConfigureAwait(false);
            try
            {
                await renewing.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The renewal loop's own way to end.
            }

            stopRenewing.Dispose();
            renewalTimer.Dispose();
            if (Lost != null)
            {
                return null;
            }

            try
            {
                await writing.WaitAsync().ConfigureAwait(false);
                try
                {
                    await DeleteOursAsync().ConfigureAwait(false);
                    return null;
                }
                finally
                {
                    writing.Release();
                }
            }
            catch (RunbookException ex)
            {
                return $"The remediation lock {LeaseName} (Lease in namespace {Namespace}) could not be released: {ex.Message} It expires by itself at {Stamp(ValidUntil(lease))}.";
            }
            catch (OperationCanceledException)
            {
                return $"The remediation lock {LeaseName} (Lease in namespace {Namespace}) could not be released: the Kubernetes API gave no answer within {requestTimeout.TotalSeconds:0} s. It expires by itself at {Stamp(ValidUntil(lease))}.";
            }
        }

        public async ValueTask DisposeAsync() => await ReleaseAsync().ConfigureAwait(false);

        async Task DeleteOursAsync()
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                try
                {
                    await Bounded(token => gateway.DeleteLeaseAsync(LeaseName, lease.Metadata.ResourceVersion, token), requestTimeout, CancellationToken.None).ConfigureAwait(false);
                    return;
                }
                catch (RunbookException ex) when (ex.ErrorId == "KubernetesNotFound")
                {
                    return;
                }
                catch (RunbookException ex) when (ex.ErrorId == "KubernetesConflict")
                {
                    // Changed since our last write: ours still (a renewal whose answer was lost), or someone else's now.
                    V1Lease current;
                    try
                    {
                        current = await Bounded(token => gateway.GetLeaseAsync(LeaseName, token), requestTimeout, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (RunbookException notFound) when (notFound.ErrorId == "KubernetesNotFound")
                    {
                        return;
                    }

                    if (!IsOurs(current))
                    {
                        return;
                    }

                    lease = current;
                }
            }
        }

        /// <summary>Renews the lease at each tick (a third of its duration) until stopped; a lease someone else took is Lost, and renewal ends.</summary>
        async Task RenewAsync(CancellationToken stop)
        {
            using var ticks = renewalTimer;
            while (await ticks.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                await writing.WaitAsync(stop).ConfigureAwait(false);
                try
                {
                    var renewal = Copy(lease);
                    renewal.Spec.RenewTime = time.GetUtcNow().UtcDateTime;

                    // Not cancelled by the stop: a renewal the server applied must be known, or the release would miss it.
                    lease = await Bounded(token => gateway.ReplaceLeaseAsync(renewal, token), requestTimeout, CancellationToken.None).ConfigureAwait(false);
                    Renewals++;
                }
                catch (RunbookException ex) when (ex.ErrorId is "KubernetesConflict" or "KubernetesNotFound")
                {
                    Lost = await DescribeLossAsync().ConfigureAwait(false);
                    if (Lost != null)
                    {
                        return;
                    }
                }
                catch (RunbookException)
                {
                    // The API did not answer this time (unreachable, timed out): the next renewal tries again, well before expiry.
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // One renewal timed out: the same.
                }
                finally
                {
                    writing.Release();
                }
            }
        }

        /// <summary>After a renewal was refused: why the lease is not this lock's any more, or null when it still is (a renewal whose answer was lost).</summary>
        async Task<string?> DescribeLossAsync()
        {
            try
            {
                var current = await Bounded(token => gateway.GetLeaseAsync(LeaseName, token), requestTimeout, CancellationToken.None).ConfigureAwait(false);
                if (IsOurs(current))
                {
                    lease = current;
                    return null;
                }

                return $"The remediation lock {LeaseName} (Lease in namespace {Namespace}) was taken over by {current.Spec?.HolderIdentity ?? "nobody"} at {Stamp(Utc(current.Spec?.AcquireTime))} while this command held it: another writer may be changing deployment {Deployment} too";
            }
            catch (RunbookException ex) when (ex.ErrorId == "KubernetesNotFound")
            {
                return $"The remediation lock {LeaseName} (Lease in namespace {Namespace}) was deleted while this command held it";
            }
            catch (RunbookException)
            {
                // Cannot tell now: the next renewal finds out.
                return null;
            }
        }

        bool IsOurs(V1Lease current)
            => current.Metadata?.Annotations != null && current.Metadata.Annotations.TryGetValue(LockIdAnnotation, out var id) && id == lockId;

        /// <summary>The lease a taker writes: a new one (create), or <paramref name="existing"/> replaced, its resourceVersion the precondition.</summary>
        static V1Lease NewLease(string name, string holder, string operation, string lockId, int durationSeconds, DateTimeOffset now, V1Lease? existing)
        {
            var annotations = existing?.Metadata?.Annotations != null ? new Dictionary<string, string>(existing.Metadata.Annotations) : new Dictionary<string, string>();
            annotations[OperationAnnotation] = operation;
            annotations[LockIdAnnotation] = lockId;
            var labels = existing?.Metadata?.Labels != null ? new Dictionary<string, string>(existing.Metadata.Labels) : new Dictionary<string, string>();
            labels[Remediator.ManagedByLabel] = "PostHogRunbook";
            var previousHolder = existing?.Spec?.HolderIdentity;
            var transitions = existing?.Spec?.LeaseTransitions ?? 0;
            return new V1Lease
            {
                ApiVersion = "coordination.k8s.io/v1",
                Kind = "Lease",
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    ResourceVersion = existing?.Metadata?.ResourceVersion,
                    Labels = labels,
                    Annotations = annotations,
                },
                Spec = new V1LeaseSpec
                {
                    HolderIdentity = holder,
                    LeaseDurationSeconds = durationSeconds,
                    AcquireTime = now.UtcDateTime,
                    RenewTime = now.UtcDateTime,
                    LeaseTransitions = existing == null ? 0 : string.IsNullOrEmpty(previousHolder) ? transitions : transitions + 1,
                },
            };
        }

        static V1Lease Copy(V1Lease lease) => new()
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new V1ObjectMeta
            {
                Name = lease.Metadata.Name,
                ResourceVersion = lease.Metadata.ResourceVersion,
                Labels = lease.Metadata.Labels,
                Annotations = lease.Metadata.Annotations,
            },
            Spec = new V1LeaseSpec
            {
                HolderIdentity = lease.Spec.HolderIdentity,
                LeaseDurationSeconds = lease.Spec.LeaseDurationSeconds,
                AcquireTime = lease.Spec.AcquireTime,
                RenewTime = lease.Spec.RenewTime,
                LeaseTransitions = lease.Spec.LeaseTransitions,
            },
        };

        /// <summary>renewTime (else acquireTime, else the object's creation) plus the lease's duration; null when the lease has no time at all.</summary>
        internal static DateTimeOffset? ValidUntil(V1Lease lease)
        {
            var last = Utc(lease.Spec?.RenewTime) ?? Utc(lease.Spec?.AcquireTime) ?? Utc(lease.Metadata?.CreationTimestamp);
            return last?.AddSeconds(lease.Spec?.LeaseDurationSeconds ?? DefaultDurationSeconds);
        }

        static RunbookException InProgress(IKubernetesGateway gateway, V1Lease existing, string deployment)
        {
            var spec = existing.Spec ?? new V1LeaseSpec();
            var operation = existing.Metadata?.Annotations != null && existing.Metadata.Annotations.TryGetValue(OperationAnnotation, out var text) ? $", running {text}" : string.Empty;
            var context = gateway.Context == null ? string.Empty : $" --context {gateway.Context}";
            return new RunbookException(InProgressErrorId, RunbookErrorKind.ResourceBusy,
                $"Another remediation of deployment {gateway.Namespace}/{deployment} is in progress: {spec.HolderIdentity} holds its lock (Lease {existing.Metadata?.Name} in namespace {gateway.Namespace}) since {Stamp(Utc(spec.AcquireTime))}{operation}; renewed {Stamp(Utc(spec.RenewTime))}, valid until {Stamp(ValidUntil(existing))}. Nothing was written.",
                existing.Metadata?.Name,
                $"Wait for it to finish (kubectl get lease {existing.Metadata?.Name} -n {gateway.Namespace}{context} shows the holder), or, if that holder is gone and cannot release it, run again with -Force to take the lock over.");
        }

        static RemediationLockTakeover TakeoverOf(V1Lease existing, IKubernetesGateway gateway, bool forced, DateTimeOffset now)
        {
            var spec = existing.Spec ?? new V1LeaseSpec();
            var holder = spec.HolderIdentity ?? "nobody";
            var since = Utc(spec.AcquireTime);
            var renewed = Utc(spec.RenewTime);
            var validUntil = ValidUntil(existing);
            var operation = existing.Metadata?.Annotations != null && existing.Metadata.Annotations.TryGetValue(OperationAnnotation, out var text) ? text : null;
            var what = operation == null ? string.Empty : $" ({operation})";
            var message = forced
                ? $"Remediation lock {existing.Metadata?.Name} (Lease in namespace {gateway.Namespace}) taken from {holder}{what} with -Force: held since {Stamp(since)}, renewed {Stamp(renewed)}, still valid until {Stamp(validUntil)}."
                : $"Remediation lock {existing.Metadata?.Name} (Lease in namespace {gateway.Namespace}) taken over from {holder}{what}: held since {Stamp(since)}, last renewed {Stamp(renewed)}, expired at {Stamp(validUntil)} ({Math.Max(0, (now - validUntil!.Value).TotalSeconds):0} s before).";
            return new RemediationLockTakeover(holder, operation, since, renewed, validUntil, forced, message);
        }

        static async Task<T> Bounded<T>(Func<CancellationToken, Task<T>> call, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(timeout);
            try
            {
                return await call(bounded.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RunbookException("KubernetesTimedOut", RunbookErrorKind.OperationTimeout, $"The Kubernetes API gave no answer within {timeout.TotalSeconds:0} s.", "Kubernetes");
            }
        }

        static Task<bool> Bounded(Func<CancellationToken, Task> call, TimeSpan timeout, CancellationToken cancellationToken)
            => Bounded<bool>(async token =>
            {
                await call(token).ConfigureAwait(false);
                return true;
            }, timeout, cancellationToken);

        static DateTimeOffset? Utc(DateTime? at) => at switch
        {
            null => null,
            { Kind: DateTimeKind.Local } local => new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero),
            { } other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc), TimeSpan.Zero),
        };

        static string Stamp(DateTimeOffset? at) => at == null ? "(unknown)" : at.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
