using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using k8s.Models;

namespace PostHogRunbook.Engine.Kubernetes
{
    /// <summary>
    /// The one Kubernetes gateway of one context and namespace: every read and write of the runbook. Failures
    /// are RunbookExceptions named the same way everywhere (KubernetesForbidden names the verb and resource).
    /// KubernetesClient types stay inside the engine.
    /// </summary>
    internal interface IKubernetesGateway : IDisposable
    {
        string? Context { get; }

        string Namespace { get; }

        string Server { get; }

        Task<V1Deployment> GetDeploymentAsync(string name, CancellationToken cancellationToken);

        Task<IReadOnlyList<V1Pod>> ListPodsAsync(string selector, CancellationToken cancellationToken);

        Task<IReadOnlyList<Corev1Event>> ListWarningEventsAsync(CancellationToken cancellationToken);

        /// <summary>Every event of the namespace, of any type (the evidence bundle's).</summary>
        Task<IReadOnlyList<Corev1Event>> ListEventsAsync(CancellationToken cancellationToken);

        /// <summary>The ReplicaSets whose labels match the selector.</summary>
        Task<IReadOnlyList<V1ReplicaSet>> ListReplicaSetsAsync(string selector, CancellationToken cancellationToken);

        /// <summary>Reads one value of a secret as text; null when the secret has no such key.</summary>
        Task<string?> ReadSecretValueAsync(string name, string key, CancellationToken cancellationToken);

        /// <summary>Opens a pod's log as a stream (the caller reads it line by line, never whole).</summary>
        Task<Stream> OpenPodLogAsync(string pod, string? container, int? sinceSeconds, bool timestamps, bool previous, CancellationToken cancellationToken);

        /// <summary>A strategic-merge patch of a deployment (what kubectl set env and rollout restart send).</summary>
        Task<V1Deployment> PatchDeploymentAsync(string name, string strategicMergePatch, CancellationToken cancellationToken);

        /// <summary>
        /// The deployment as it changes from <paramref name="resourceVersion"/> on (a watch, as kubectl rollout status
        /// uses): each added or modified version, until the server ends the stream or the token is cancelled.
        /// </summary>
        IAsyncEnumerable<V1Deployment> WatchDeploymentAsync(string name, string? resourceVersion, CancellationToken cancellationToken);

        Task<V1Secret> GetSecretAsync(string name, CancellationToken cancellationToken);

        Task<V1Secret> CreateSecretAsync(V1Secret secret, CancellationToken cancellationToken);

        /// <summary>Replaces a secret; its metadata.resourceVersion is the precondition (a stale one is KubernetesConflict).</summary>
        Task<V1Secret> ReplaceSecretAsync(V1Secret secret, CancellationToken cancellationToken);

        /// <summary>One ConfigMap of the namespace (the cluster journal's); a missing one is KubernetesNotFound.</summary>
        Task<V1ConfigMap> GetConfigMapAsync(string name, CancellationToken cancellationToken);

        /// <summary>The namespace's ConfigMaps whose labels match the selector.</summary>
        Task<IReadOnlyList<V1ConfigMap>> ListConfigMapsAsync(string selector, CancellationToken cancellationToken);

        /// <summary>Creates a ConfigMap; a name already taken is KubernetesAlreadyExists (the create is the atomic claim).</summary>
        Task<V1ConfigMap> CreateConfigMapAsync(V1ConfigMap configMap, CancellationToken cancellationToken);

        /// <summary>Replaces a ConfigMap; its metadata.resourceVersion is the precondition (a stale one is KubernetesConflict).</summary>
        Task<V1ConfigMap> ReplaceConfigMapAsync(V1ConfigMap configMap, CancellationToken cancellationToken);

        /// <summary>One coordination.k8s.io/v1 Lease of the namespace (the remediation lock); a missing one is KubernetesNotFound.</summary>
        Task<V1Lease> GetLeaseAsync(string name, CancellationToken cancellationToken);

        /// <summary>Creates a Lease; one already there is KubernetesAlreadyExists.</summary>
        Task<V1Lease> CreateLeaseAsync(V1Lease lease, CancellationToken cancellationToken);

        /// <summary>Replaces a Lease; its metadata.resourceVersion is the precondition (a stale one is KubernetesConflict).</summary>
        Task<V1Lease> ReplaceLeaseAsync(V1Lease lease, CancellationToken cancellationToken);

        /// <summary>Deletes a Lease if it still has <paramref name="resourceVersion"/> (a precondition: another holder's lease is never deleted).</summary>
        Task DeleteLeaseAsync(string name, string resourceVersion, CancellationToken cancellationToken);
    }

    /// <summary>Opens gateways: one per kubeconfig, context and namespace for the life of a command, shared by its checks.</summary>
    internal interface IKubernetesConnector
    {
        /// <summary>The gateway for a context of a kubeconfig (null: its current context); throws KubeConfig*/KubeContextNotFound.</summary>
        IKubernetesGateway Open(string kubeConfigPath, string? context, string? @namespace);
    }

    /// <summary>
    /// The connector a command uses: each target's client is built once (kubeconfig read, TLS set up) and reused by
    /// every check and step of the command; all are disposed with it.
    /// </summary>
    internal sealed class KubernetesConnector : IKubernetesConnector, IDisposable
    {
        readonly Dictionary<(string Path, string? Context, string? Namespace), Lazy<IKubernetesGateway>> opened = new();
        readonly object gate = new();
        readonly Func<string, string?, string?, IKubernetesGateway> open;
        bool disposed;

        public KubernetesConnector()
            : this(KubernetesGateway.Open)
        {
        }

        /// <summary>With another way to open a gateway (a test's).</summary>
        public KubernetesConnector(Func<string, string?, string?, IKubernetesGateway> open)
        {
            this.open = open;
        }

        public IKubernetesGateway Open(string kubeConfigPath, string? context, string? @namespace)
        {
            Lazy<IKubernetesGateway> entry;
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(disposed, this);
                var key = (kubeConfigPath, context, @namespace);
                if (!opened.TryGetValue(key, out var existing))
                {
                    // A failed open is remembered too: every check of the target gets the same error, once.
                    existing = new Lazy<IKubernetesGateway>(() => open(kubeConfigPath, context, @namespace), LazyThreadSafetyMode.ExecutionAndPublication);
                    opened[key] = existing;
                }

                entry = existing;
            }

            return entry.Value;
        }

        public void Dispose()
        {
            List<Lazy<IKubernetesGateway>> all;
            lock (gate)
            {
                if (disposed)
                {
                    return;
                }

                disposed = true;
                all = new List<Lazy<IKubernetesGateway>>(opened.Values);
                opened.Clear();
            }

            foreach (var gateway in all)
            {
                if (gateway.IsValueCreated)
                {
                    gateway.Value.Dispose();
                }
            }
        }
    }

    internal static class KubernetesConnectorExtensions
    {
        /// <summary>
        /// The gateway of the profile's target (its kubeconfig, else ~/.kube/config or the pod's service account; its
        /// context and namespace) and the kubeconfig it came from. No kubeconfig at all is KubeConfigNotFound, said as
        /// <paramref name="notFoundMessage"/> (what the caller needed it for).
        /// </summary>
        public static (IKubernetesGateway Gateway, string KubeConfig) OpenProfileTarget(this IKubernetesConnector connector, Configuration.RunbookProfile profile, string notFoundMessage)
        {
            var kubeConfig = KubeConfigReader.Locate(profile.Get(Configuration.RunbookSetting.KubeConfig))
                ?? throw new PostHogRunbook.Model.RunbookException("KubeConfigNotFound", PostHogRunbook.Model.RunbookErrorKind.ObjectNotFound, notFoundMessage, "KubeConfig");
            return (connector.Open(kubeConfig, profile.Get(Configuration.RunbookSetting.Context), profile.Get(Configuration.RunbookSetting.Namespace)), kubeConfig);
        }
    }
}
