using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Kubernetes
{
    /// <summary>
    /// The one Kubernetes gateway: every read and write of the runbook goes through here, so errors are named
    /// the same way everywhere (KubernetesForbidden says which verb on which resource is missing).
    /// KubernetesClient types stay inside the engine.
    /// </summary>
    internal sealed class KubernetesGateway : IKubernetesGateway
    {
        const string FieldManager = "posthog-runbook";

        readonly k8s.Kubernetes client;

        readonly string credentials;

        KubernetesGateway(k8s.Kubernetes client, string? context, string @namespace, string server, string credentials)
        {
            this.client = client;
            this.credentials = credentials;
            Context = context;
            Namespace = @namespace;
            Server = server;
        }

        public string? Context { get; }

        public string Namespace { get; }

        public string Server { get; }

        /// <summary>Connects to a context of a kubeconfig; the namespace is the given one, else the context's, else default.</summary>
        internal static KubernetesGateway Open(string kubeConfigPath, string? context, string? @namespace)
        {
            // Every use of a gateway builds a client, opens a TLS connection and reads Kubernetes objects: what they
            // need the first time in a process gets ready on another core while the kubeconfig is read.
            KubernetesWarmUp.Start();
            if (InClusterConfig.Parse(kubeConfigPath) is { } inCluster)
            {
                // No kubeconfig, KUBERNETES_SERVICE_HOST set: the pod's service account (the profile chose it, InClusterConfig.Detect).
                var described = InClusterConfig.Describe(kubeConfigPath, inCluster, context);
                var serviceAccount = InClusterConfig.Build(inCluster);
                serviceAccount.HttpClientTimeout = Timeout.InfiniteTimeSpan;
                var inClusterNamespace = !string.IsNullOrWhiteSpace(@namespace) ? @namespace : serviceAccount.Namespace ?? "default";
                return new KubernetesGateway(new k8s.Kubernetes(serviceAccount), described.Context, inClusterNamespace!, described.Server, "the service account's token");
            }

            // One file or a KUBECONFIG list, merged and checked as kubectl reads it; only the chosen context goes on.
            var (facts, kubeConfig) = KubeConfigReader.Open(kubeConfigPath, context);
            KubernetesClientConfiguration configuration;
            try
            {
                configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeConfig, facts.Context);
            }
            catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or IOException or ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
            {
                throw new RunbookException("KubeConfigInvalid", RunbookErrorKind.InvalidArgument, $"The kubeconfig '{kubeConfigPath}' context '{facts.Context}' cannot be used: {ex.Message}", kubeConfigPath);
            }

            // Cancellation and timeouts come from the caller's token; the client's own 100 s limit must not cut a long log stream.
            configuration.HttpClientTimeout = Timeout.InfiniteTimeSpan;
            var ns = !string.IsNullOrWhiteSpace(@namespace) ? @namespace : configuration.Namespace ?? facts.Namespace ?? "default";
            return new KubernetesGateway(new k8s.Kubernetes(configuration), facts.Context, ns!, facts.Server, "the kubeconfig's credentials");
        }

        public Task<V1Deployment> GetDeploymentAsync(string name, CancellationToken cancellationToken)
            => Call("get", "deployments", "apps", name, () => client.AppsV1.ReadNamespacedDeploymentAsync(name, Namespace, cancellationToken: cancellationToken));

        public async Task<IReadOnlyList<V1Pod>> ListPodsAsync(string selector, CancellationToken cancellationToken)
        {
            var list = await Call("list", "pods", string.Empty, null, () => client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: selector, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return list.Items?.ToList() ?? new List<V1Pod>();
        }

        public async Task<IReadOnlyList<Corev1Event>> ListWarningEventsAsync(CancellationToken cancellationToken)
        {
            var list = await Call("list", "events", string.Empty, null, () => client.CoreV1.ListNamespacedEventAsync(Namespace, fieldSelector: "type=Warning", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return list.Items?.ToList() ?? new List<Corev1Event>();
        }

        public async Task<IReadOnlyList<Corev1Event>> ListEventsAsync(CancellationToken cancellationToken)
        {
            var list = await Call("list", "events", string.Empty, null, () => client.CoreV1.ListNamespacedEventAsync(Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return list.Items?.ToList() ?? new List<Corev1Event>();
        }

        public async Task<IReadOnlyList<V1ReplicaSet>> ListReplicaSetsAsync(string selector, CancellationToken cancellationToken)
        {
            var list = await Call("list", "replicasets", "apps", null, () => client.AppsV1.ListNamespacedReplicaSetAsync(Namespace, labelSelector: selector, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return list.Items?.ToList() ?? new List<V1ReplicaSet>();
        }

        /// <summary>Reads one value of a secret as text; null when the secret has no such key.</summary>
        public async Task<string?> ReadSecretValueAsync(string name, string key, CancellationToken cancellationToken)
        {
            var secret = await GetSecretAsync(name, cancellationToken).ConfigureAwait(false);
            return secret.Data != null && secret.Data.TryGetValue(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
        }

        /// <summary>Opens a pod's log as a stream (the caller reads it line by line, never whole).</summary>
        public Task<Stream> OpenPodLogAsync(string pod, string? container, int? sinceSeconds, bool timestamps, bool previous, CancellationToken cancellationToken)
            => Call("get", "pods/log", string.Empty, pod, () => client.CoreV1.ReadNamespacedPodLogAsync(
                pod, Namespace, container: container, sinceSeconds: sinceSeconds, timestamps: timestamps, previous: previous, cancellationToken: cancellationToken));

        public Task<V1Deployment> PatchDeploymentAsync(string name, string strategicMergePatch, CancellationToken cancellationToken)
            => Call("patch", "deployments", "apps", name, () => client.AppsV1.PatchNamespacedDeploymentAsync(
                new V1Patch(strategicMergePatch, V1Patch.PatchType.StrategicMergePatch), name, Namespace, fieldManager: FieldManager, cancellationToken: cancellationToken));

        public async IAsyncEnumerable<V1Deployment> WatchDeploymentAsync(string name, string? resourceVersion, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var events = client.AppsV1.WatchListNamespacedDeploymentAsync(Namespace, fieldSelector: "metadata.name=" + name, resourceVersion: resourceVersion, cancellationToken: cancellationToken);
            var enumerator = events.GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    // The refusal of the watch itself (RBAC, a gone resourceVersion) comes with the first step.
                    var step = Call("watch", "deployments", "apps", name, async () => await enumerator.MoveNextAsync().ConfigureAwait(false));
                    if (!await step.ConfigureAwait(false))
                    {
                        yield break;
                    }

                    var (type, item) = enumerator.Current;
                    if (type is WatchEventType.Added or WatchEventType.Modified)
                    {
                        yield return item;
                    }
                }
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }

        public Task<V1Secret> GetSecretAsync(string name, CancellationToken cancellationToken)
            => Call("get", "secrets", string.Empty, name, () => client.CoreV1.ReadNamespacedSecretAsync(name, Namespace, cancellationToken: cancellationToken));

        public Task<V1Secret> CreateSecretAsync(V1Secret secret, CancellationToken cancellationToken)
            => Call("create", "secrets", string.Empty, secret.Metadata.Name, () => client.CoreV1.CreateNamespacedSecretAsync(secret, Namespace, fieldManager: FieldManager, cancellationToken: cancellationToken));

        public Task<V1Secret> ReplaceSecretAsync(V1Secret secret, CancellationToken cancellationToken)
            => Call("update", "secrets", string.Empty, secret.Metadata.Name, () => client.CoreV1.ReplaceNamespacedSecretAsync(secret, secret.Metadata.Name, Namespace, fieldManager: FieldManager, cancellationToken: cancellationToken));

        public Task<V1ConfigMap> GetConfigMapAsync(string name, CancellationToken cancellationToken)
            => Call("get", "configmaps", string.Empty, name, () => client.CoreV1.ReadNamespacedConfigMapAsync(name, Namespace, cancellationToken: cancellationToken));

        public async Task<IReadOnlyList<V1ConfigMap>> ListConfigMapsAsync(string selector, CancellationToken cancellationToken)
        {
            var list = await Call("list", "configmaps", string.Empty, null, () => client.CoreV1.ListNamespacedConfigMapAsync(Namespace, labelSelector: selector, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return list.Items?.ToList() ?? new List<V1ConfigMap>();
        }

        public Task<V1ConfigMap> CreateConfigMapAsync(V1ConfigMap configMap, CancellationToken cancellationToken)
            => Call("create", "configmaps", string.Empty, configMap.Metadata.Name, () => client.CoreV1.CreateNamespacedConfigMapAsync(configMap, Namespace, fieldManager: FieldManager, cancellationToken: cancellationToken));

        public Task<V1ConfigMap> ReplaceConfigMapAsync(V1ConfigMap configMap, CancellationToken cancellationToken)
            => Call("update", "configmaps", string.Empty, configMap.Metadata.Name, () => client.CoreV1.ReplaceNamespacedConfigMapAsync(configMap, configMap.Metadata.Name, Namespace, fieldManager: FieldManager, cancellationToken: cancellationToken));

        public Task<V1Lease> GetLeaseAsync(string name, CancellationToken cancellationToken)
            => Call("get", "leases", "coordination.k8s.io", name, () => client.CoordinationV1.ReadNamespacedLeaseAsync(name, Namespace, cancellationToken: cancellationToken));

        public Task<V1Lease> CreateLeaseAsync(V1Lease lease, CancellationToken cancellationToken)
            => Call("create", "leases", "coordination.k8s.io", lease.Metadata.Name, () => client.CoordinationV1.CreateNamespacedLeaseAsync(lease, Namespace, fieldManager: FieldManager, cancellationToken: cancellationToken));

        public Task<V1Lease> ReplaceLeaseAsync(V1Lease lease, CancellationToken cancellationToken)
            => Call("update", "leases", "coordination.k8s.io", lease.Metadata.Name, () => client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, lease.Metadata.Name, Namespace, fieldManager: FieldManager, cancellationToken: cancellationToken));

        public Task DeleteLeaseAsync(string name, string resourceVersion, CancellationToken cancellationToken)
            => Call("delete", "leases", "coordination.k8s.io", name, () => client.CoordinationV1.DeleteNamespacedLeaseAsync(
                name, Namespace, new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = resourceVersion } }, cancellationToken: cancellationToken));

        public void Dispose() => client.Dispose();

        async Task<T> Call<T>(string verb, string resource, string group, string? name, Func<Task<T>> call)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (HttpOperationException ex)
            {
                throw Translate(ex, verb, resource, group, name);
            }
            catch (HttpRequestException ex)
            {
                throw new RunbookException("KubernetesUnreachable", RunbookErrorKind.ConnectionError, $"The Kubernetes API {Server} is unreachable: {ex.Message}", Server, inner: ex);
            }
        }

        RunbookException Translate(HttpOperationException ex, string verb, string resource, string group, string? name)
        {
            var code = ex.Response?.StatusCode ?? 0;
            var serverMessage = ReadStatusMessage(ex.Response?.Content);
            var what = name == null ? $"{resource} in namespace {Namespace}" : $"{resource} \"{name}\" in namespace {Namespace}";
            var groupText = string.IsNullOrEmpty(group) ? "the core API group" : $"API group \"{group}\"";
            return code switch
            {
                HttpStatusCode.Forbidden => new RunbookException(
                    "KubernetesForbidden",
                    RunbookErrorKind.PermissionDenied,
                    $"RBAC forbids this: the runbook needs '{verb}' on '{resource}' ({groupText}) in namespace {Namespace}{ContextText}. The API server said: {serverMessage}",
                    what,
                    serverMessage),
                HttpStatusCode.Unauthorized => new RunbookException("KubernetesUnauthorized", RunbookErrorKind.AuthenticationError, $"The Kubernetes API {Server} rejected {credentials}{ContextText}: {serverMessage}", Server, serverMessage),
                HttpStatusCode.NotFound => new RunbookException("KubernetesNotFound", RunbookErrorKind.ObjectNotFound, $"Not found: {what}{ContextText}. {serverMessage}", what, serverMessage),
                HttpStatusCode.Conflict when ReadStatusReason(ex.Response?.Content) == "AlreadyExists" => new RunbookException("KubernetesAlreadyExists", RunbookErrorKind.InvalidOperation, $"Already exists: {what}{ContextText}. {serverMessage}", what, serverMessage),
                HttpStatusCode.Conflict => new RunbookException("KubernetesConflict", RunbookErrorKind.InvalidOperation, $"Conflict on {what}: it changed since it was read. {serverMessage}", what, serverMessage),
                _ => new RunbookException("KubernetesError", RunbookErrorKind.InvalidResult, $"The Kubernetes API answered HTTP {(int)code} to {verb} {what}: {serverMessage}", what, serverMessage),
            };
        }

        string ContextText => Context == null ? string.Empty : $" (context {Context})";

        static string? ReadStatusReason(string? content)
        {
            try
            {
                return string.IsNullOrWhiteSpace(content) ? null : JObject.Parse(content)["reason"]?.ToString();
            }
            catch (Newtonsoft.Json.JsonException)
            {
                return null;
            }
        }

        static string ReadStatusMessage(string? content)
        {
            if (string.IsNullOrWhiteSpace(content))
            {
                return "(no message)";
            }

            try
            {
                return JObject.Parse(content)["message"]?.ToString() ?? content;
            }
            catch (Newtonsoft.Json.JsonException)
            {
                return content.Length > 200 ? content[..200] : content;
            }
        }
    }
}
