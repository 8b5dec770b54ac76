using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using k8s.Models;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Http;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>
    /// Everything one triage of one context shares between its checks: the command's services, the profile, the
    /// Kubernetes gateway (opened once, off the callers' threads), and the deployment and pods (read once, used by
    /// several checks).
    /// </summary>
    internal sealed class TriageContext
    {
        readonly RunbookServices services;
        readonly TriageRequest request;
        readonly Lazy<Task<IKubernetesGateway>> gateway;
        readonly Lazy<Task<V1Deployment>> deployment;
        readonly Lazy<Task<IReadOnlyList<V1Pod>>> pods;

        public TriageContext(RunbookServices services, TriageRequest request, string? context, ITriageObserver? observer, CancellationToken cancellationToken)
        {
            this.services = services;
            this.request = request;
            Profile = request.Profile;
            CheckTimeout = request.CheckTimeout;
            Thresholds = request.Thresholds;
            Observer = observer;
            KubeConfigPath = KubeConfigReader.Locate(Profile.Get(RunbookSetting.KubeConfig));
            RequestedContext = context ?? Profile.Get(RunbookSetting.Context);
            Deployment = Profile.Get(RunbookSetting.Deployment)!;
            Selector = Profile.Get(RunbookSetting.Selector)!;

            // Opening reads the kubeconfig and sets up TLS: synchronous work, done once on a pool thread that nobody
            // waits on while blocked. Every check awaits the same task.
            gateway = new Lazy<Task<IKubernetesGateway>>(() => Task.Run(OpenGateway, CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);
            deployment = new Lazy<Task<V1Deployment>>(() => ReadDeploymentAsync(cancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
            pods = new Lazy<Task<IReadOnlyList<V1Pod>>>(() => ListPodsAsync(cancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public RunbookProfile Profile { get; }

        public IRunbookHttp Http => services.Http;

        public Redactor Redactor => services.Redactor;

        public TimeProvider Time => services.Time;

        /// <summary>Whether the check runs (else it is Skipped: -Check left it out).</summary>
        public bool Chooses(TriageCheckName check) => request.Chooses(check);

        /// <summary>Each dependency call's whole budget.</summary>
        public TimeSpan CheckTimeout { get; }

        public TriageThresholds Thresholds { get; }

        public ITriageObserver? Observer { get; }

        public string? KubeConfigPath { get; }

        public string? RequestedContext { get; }

        public string Deployment { get; }

        public string Selector { get; }

        public bool HasKubernetes => KubeConfigPath != null;

        /// <summary>The gateway, or a RunbookException (no or bad kubeconfig, unknown context) for every check that needs it.</summary>
        public Task<IKubernetesGateway> GatewayAsync() => gateway.Value;

        /// <summary>Why the context could not be opened, once something tried; null when it opened or was never needed.</summary>
        public RunbookException? GatewayFailure
            => gateway.IsValueCreated && gateway.Value.IsFaulted ? gateway.Value.Exception?.InnerException as RunbookException : null;

        /// <summary>The context in use: the kubeconfig's, once opened; else the one asked for (so a report names it even when it could not be opened).</summary>
        public string? ResolvedContext => OpenedGateway?.Context ?? RequestedContext;

        public string? ResolvedNamespace => OpenedGateway?.Namespace ?? Profile.Get(RunbookSetting.Namespace);

        IKubernetesGateway? OpenedGateway => gateway.IsValueCreated && gateway.Value.IsCompletedSuccessfully ? gateway.Value.GetAwaiter().GetResult() : null;

        /// <summary>Whether a check has read (or is reading) the deployment: the report's target reuses it, never reads it itself.</summary>
        public bool DeploymentRead => deployment.IsValueCreated;

        /// <summary>The integration's deployment, read once, with its own whole timeout.</summary>
        public Task<V1Deployment> DeploymentAsync() => deployment.Value;

        /// <summary>The integration's pods (by selector only), listed once for the workload and log checks.</summary>
        public Task<IReadOnlyList<V1Pod>> PodsAsync() => pods.Value;

        public void Verbose(string message) => Observer?.Verbose(Redactor.Redact(message));

        /// <summary>A token that ends after one whole timeout, or with the caller's.</summary>
        public CancellationTokenSource Bounded(CancellationToken cancellationToken)
        {
            var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(CheckTimeout);
            return bounded;
        }

        IKubernetesGateway OpenGateway()
        {
            if (KubeConfigPath == null)
            {
                throw new RunbookException("KubeConfigNotFound", RunbookErrorKind.ObjectNotFound, "No kubeconfig: pass -KubeConfig or set KUBECONFIG.", "KubeConfig");
            }

            return services.Kubernetes.Open(KubeConfigPath, RequestedContext, Profile.Get(RunbookSetting.Namespace));
        }

        async Task<V1Deployment> ReadDeploymentAsync(CancellationToken cancellationToken)
        {
            var opened = await GatewayAsync().ConfigureAwait(false);
            using var bounded = Bounded(cancellationToken);
            return await opened.GetDeploymentAsync(Deployment, bounded.Token).ConfigureAwait(false);
        }

        async Task<IReadOnlyList<V1Pod>> ListPodsAsync(CancellationToken cancellationToken)
        {
            var opened = await GatewayAsync().ConfigureAwait(false);
            using var bounded = Bounded(cancellationToken);
            return await opened.ListPodsAsync(Selector, bounded.Token).ConfigureAwait(false);
        }
    }
}
