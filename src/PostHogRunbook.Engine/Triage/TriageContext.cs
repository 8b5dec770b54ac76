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
    /// (opened once), and the deployment (read once, used by the workload check and by the probe for its host).
    /// </summary>
    internal sealed class TriageContext : IDisposable
    {
        readonly Lazy<KubernetesGateway?> gateway;
        readonly Lazy<Task<V1Deployment?>> deployment;
        readonly Lazy<Task<System.Collections.Generic.IReadOnlyList<V1Pod>>> pods;
        RunbookException? gatewayFailure;

        public TriageContext(RunbookProfile profile, string? context, TimeSpan checkTimeout, Redactor redactor, ITriageObserver? observer, CancellationToken cancellationToken)
        {
            Profile = profile;
            CheckTimeout = checkTimeout;
            Redactor = redactor;
            Observer = observer;
            KubeConfigPath = KubeConfigReader.Locate(profile.Get(RunbookSetting.KubeConfig));
            RequestedContext = context ?? profile.Get(RunbookSetting.Context);
            Deployment = profile.Get(RunbookSetting.Deployment) ?? "posthog-integration";
            Selector = profile.Get(RunbookSetting.Selector) ?? "app=posthog-integration";
            gateway = new Lazy<KubernetesGateway?>(OpenGateway, LazyThreadSafetyMode.ExecutionAndPublication);
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

        /// <summary>The gateway, or a RunbookException (bad kubeconfig, unknown context) for every check that needs it.</summary>
        public KubernetesGateway Gateway
        {
            get
            {
                var opened = gateway.Value;
                if (opened == null)
                {
                    throw gatewayFailure ?? new RunbookException("KubeConfigNotFound", RunbookErrorKind.ObjectNotFound, "No kubeconfig: pass -KubeConfig or set KUBECONFIG.", "KubeConfig");
                }

                return opened;
            }
        }

        public string? ResolvedContext => gateway.IsValueCreated ? gateway.Value?.Context : RequestedContext;

        public string? ResolvedNamespace => gateway.IsValueCreated ? gateway.Value?.Namespace : Profile.Get(RunbookSetting.Namespace);

        /// <summary>The integration's deployment, read once; null without Kubernetes.</summary>
        public Task<V1Deployment?> DeploymentAsync() => deployment.Value;

        /// <summary>The integration's pods (by selector only), listed once for the workload and log checks.</summary>
        public Task<System.Collections.Generic.IReadOnlyList<V1Pod>> PodsAsync() => pods.Value;

        public void Verbose(string message) => Observer?.Verbose(Redactor.Redact(message));

        public void Dispose()
        {
            if (gateway.IsValueCreated)
            {
                gateway.Value?.Dispose();
            }
        }

        KubernetesGateway? OpenGateway()
        {
            if (KubeConfigPath == null)
            {
                return null;
            }

            try
            {
                return KubernetesGateway.Open(KubeConfigPath, RequestedContext, Profile.Get(RunbookSetting.Namespace));
            }
            catch (RunbookException ex)
            {
                gatewayFailure = ex;
                return null;
            }
        }

        async Task<V1Deployment?> ReadDeploymentAsync(CancellationToken cancellationToken)
        {
            if (!HasKubernetes)
            {
                return null;
            }

            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(CheckTimeout);
            return await Gateway.GetDeploymentAsync(Deployment, bounded.Token).ConfigureAwait(false);
        }

        async Task<System.Collections.Generic.IReadOnlyList<V1Pod>> ListPodsAsync(CancellationToken cancellationToken)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(CheckTimeout);
            return await Gateway.ListPodsAsync(Selector, bounded.Token).ConfigureAwait(false);
        }
    }
}
