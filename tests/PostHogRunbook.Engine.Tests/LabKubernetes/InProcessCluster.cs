using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PostHogRunbook.Lab;
using PostHogRunbook.Lab.Kubernetes;

namespace PostHogRunbook.Engine.Tests.LabKubernetes
{
    /// <summary>
    /// The lab's Kubernetes API server hosted in the test process with its own LabContext, and a KubernetesClient
    /// built from the kubeconfig it wrote: the same path the engine takes to a real cluster.
    /// </summary>
    public sealed class InProcessCluster : IAsyncDisposable
    {
        public const string Namespace = "posthog";
        public const string Deployment = "posthog-integration";
        public const string Selector = "app=posthog-integration";

        readonly KubernetesApiServer server;
        readonly string stateDirectory;

        InProcessCluster(KubernetesApiServer server, LabContext context, KubernetesEndpoint endpoint, IKubernetes client, string stateDirectory)
        {
            this.server = server;
            this.stateDirectory = stateDirectory;
            Context = context;
            Endpoint = endpoint;
            Client = client;
        }

        public LabContext Context { get; }

        public KubernetesEndpoint Endpoint { get; }

        public IKubernetes Client { get; }

        public static async Task<InProcessCluster> StartAsync(string scenario = "healthy", int pods = 3, long logBytesPerPod = 0)
        {
            var directory = Path.Combine(Path.GetTempPath(), "lab-kubernetes-" + Guid.NewGuid().ToString("N"));
            var context = new LabContext(new LabOptions(scenario, 0, pods, logBytesPerPod, directory));
            var server = new KubernetesApiServer(context);
            var endpoint = await server.StartAsync(CancellationToken.None)
                ?? throw new InvalidOperationException("the Kubernetes part did not start");
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(endpoint.KubeconfigPath);
            return new InProcessCluster(server, context, endpoint, new k8s.Kubernetes(config), directory);
        }

        /// <summary>A client with the kubeconfig's server and CA but another bearer token.</summary>
        public IKubernetes ClientWithToken(string token)
        {
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(Endpoint.KubeconfigPath);
            config.AccessToken = token;
            return new k8s.Kubernetes(config);
        }

        /// <summary>From now on the lab's user (lab-user) is bound to exactly the Roles in these files.</summary>
        public void EnforceRoles(params string[] roleFiles) => Context.Rbac.EnforceFiles(roleFiles);

        /// <summary>Asserts a 403 from RBAC with exactly this message, and returns its Status.</summary>
        public static async Task<JsonElement> AssertForbiddenAsync(Func<Task> call, string message)
        {
            var failure = await Xunit.Assert.ThrowsAsync<HttpOperationException>(call);
            Xunit.Assert.Equal(System.Net.HttpStatusCode.Forbidden, failure.Response.StatusCode);
            var status = StatusOf(failure);
            Xunit.Assert.Equal("Forbidden", status.GetProperty("reason").GetString());
            Xunit.Assert.Equal(message, status.GetProperty("message").GetString());
            return status;
        }

        public Task<V1Deployment> ReadDeploymentAsync() => Client.AppsV1.ReadNamespacedDeploymentAsync(Deployment, Namespace);

        public Task<V1Deployment> PatchDeploymentAsync(string strategicMergePatch) =>
            Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(strategicMergePatch, V1Patch.PatchType.StrategicMergePatch), Deployment, Namespace);

        public async Task<IList<V1Pod>> IntegrationPodsAsync() =>
            (await Client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: Selector)).Items;

        public async Task<string> ReadLogAsync(string pod, string? container = "integration", int? sinceSeconds = null, int? tailLines = null,
            bool? timestamps = null, int? limitBytes = null, bool? previous = null)
        {
            using var stream = await Client.CoreV1.ReadNamespacedPodLogAsync(pod, Namespace, container: container, sinceSeconds: sinceSeconds,
                tailLines: tailLines, timestamps: timestamps, limitBytes: limitBytes, previous: previous);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync();
        }

        /// <summary>Polls (every 100 ms) until the condition holds; fails the test with what was last seen.</summary>
        public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within, string what)
        {
            using var timeout = new CancellationTokenSource(within);
            var last = await read();
            while (!done(last))
            {
                if (timeout.IsCancellationRequested)
                {
                    throw new TimeoutException($"{what} did not happen within {within.TotalSeconds} s; last seen: {JsonSerializer.Serialize(last)}");
                }

                await Task.Delay(100);
                last = await read();
            }

            return last;
        }

        /// <summary>The Status object an API error carried.</summary>
        public static JsonElement StatusOf(HttpOperationException failure) =>
            JsonDocument.Parse(failure.Response.Content).RootElement;

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await server.DisposeAsync();
            try
            {
                Directory.Delete(stateDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp directory.
            }
        }
    }
}
