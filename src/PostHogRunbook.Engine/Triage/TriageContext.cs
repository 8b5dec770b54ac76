using System;
using System.Threading;
using System.Threading.Tasks;
using k8s.Models;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>
    /// Everything one triage of one context shares between its checks: the profile, the Kubernetes gateway
    /// (opened once, when the first check needs it), and the deployment (read once, used by the workload check and by
    /// the probe for its host).
    /// </summary>
    /// <remarks>
    /// No check ever blocks a pool thread waiting for another: the gateway, the deployment and the pods are tasks that
    /// the checks await. (They were Lazy values opened synchronously under ExecutionAndPublication: four checks held
    /// four pool threads waiting while the fifth opened the client, whose kubeconfig load itself needed a pool thread;
    /// on 2 cores every fresh process then waited ~0.5 s per triage, twice, for the pool to inject threads.)
    /// </remarks>
    internal sealed class TriageContext : IDisposable
    {
        readonly SharedKubeConfig kubeConfig;
        readonly Lazy<Task<KubernetesGateway>> gateway;
        readonly Lazy<Task<V1Deployment?>> deployment;
        readonly Lazy<Task<System.Collections.Generic.IReadOnlyList<V1Pod>>> pods;
        volatile KubernetesGateway? opened;
        volatile bool disposed;

        public TriageContext(RunbookProfile profile, string? context, TimeSpan checkTimeout, Redactor redactor, ITriageObserver? observer, CancellationToken cancellationToken, SharedKubeConfig? kubeConfig = null)
        {
            Profile = profile;
            CheckTimeout = checkTimeout;
            Redactor = redactor;
            Observer = observer;
            this.kubeConfig = kubeConfig ?? new SharedKubeConfig(KubeConfigReader.Locate(profile.Get(RunbookSetting.KubeConfig)));
            KubeConfigPath = this.kubeConfig.Path;
            RequestedContext = context ?? profile.Get(RunbookSetting.Context);
            Deployment = profile.Get(RunbookSetting.Deployment) ?? "posthog-integration";
            Selector = profile.Get(RunbookSetting.Selector) ?? "app=posthog-integration";
            gateway = new Lazy<Task<KubernetesGateway>>(OpenGatewayAsync, LazyThreadSafetyMode.ExecutionAndPublication);
            deployment = new Lazy<Task<V1Deployment?>>(() => ReadDeploymentAsync(cancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
            pods = new Lazy<Task<System.Collections.Generic.IReadOnlyList<V1Pod>>>(() => ListPodsAsync(cancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public RunbookProfile Profile { get; }

        /// <summary>When set, the checks not in it are Skipped.</summary>
        public System.Collections.Generic.IReadOnlyCollection<TriageCheckName>? OnlyChecks { get; init; }

        public TimeSpan CheckTimeout { get; }

        public Redactor Redactor { get; }

        public ITriageObserver? Observer { get; }

        public string? KubeConfigPath { get; }

        public string? RequestedContext { get; }

        public string Deployment { get; }

        public string Selector { get; }

        public bool HasKubernetes => KubeConfigPath != null;

        /// <summary>
        /// The gateway, opened once by the first check that asks; faulted with a RunbookException (no kubeconfig, a bad
        /// one, an unknown context) for every check that needs it.
        /// </summary>
        public Task<KubernetesGateway> GatewayAsync() => gateway.Value;

        public string? ResolvedContext => opened?.Context ?? RequestedContext;

        public string? ResolvedNamespace => opened?.Namespace ?? Profile.Get(RunbookSetting.Namespace);

        /// <summary>Whether a check has asked for the deployment (so reading it costs nothing more).</summary>
        public bool DeploymentRequested => deployment.IsValueCreated;

        /// <summary>The integration's deployment, read once; null without Kubernetes.</summary>
        public Task<V1Deployment?> DeploymentAsync() => deployment.Value;

        /// <summary>The integration's pods (by selector only), listed once for the workload and log checks.</summary>
        public Task<System.Collections.Generic.IReadOnlyList<V1Pod>> PodsAsync() => pods.Value;

        public void Verbose(string message) => Observer?.Verbose(Redactor.Redact(message));

        public void Dispose()
        {
            disposed = true;
            opened?.Dispose();
        }

        // Runs inside the Lazy's lock only up to its first await, which returns at once: the file is read and the
        // client built on pool threads that wait for nothing, while the checks that need them await this task.
        async Task<KubernetesGateway> OpenGatewayAsync()
        {
            var file = await kubeConfig.LoadAsync().ConfigureAwait(false);
            var client = await Task.Run(() => KubernetesGateway.Open(file, RequestedContext, Profile.Get(RunbookSetting.Namespace))).ConfigureAwait(false);
            opened = client;
            if (disposed)
            {
                // A check that outlived its hard stop can leave the open finishing after the triage ended.
                client.Dispose();
            }

            return client;
        }

        async Task<V1Deployment?> ReadDeploymentAsync(CancellationToken cancellationToken)
        {
            if (!HasKubernetes)
            {
                return null;
            }

            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(CheckTimeout);
            var client = await GatewayAsync().ConfigureAwait(false);
            return await client.GetDeploymentAsync(Deployment, bounded.Token).ConfigureAwait(false);
        }

        async Task<System.Collections.Generic.IReadOnlyList<V1Pod>> ListPodsAsync(CancellationToken cancellationToken)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(CheckTimeout);
            var client = await GatewayAsync().ConfigureAwait(false);
            return await client.ListPodsAsync(Selector, bounded.Token).ConfigureAwait(false);
        }
    }
}
