using PostHogRunbook.Lab.App;
using PostHogRunbook.Lab.Control;
using PostHogRunbook.Lab.Hosting;
using PostHogRunbook.Lab.Kubernetes;
using PostHogRunbook.Lab.Notify;
using PostHogRunbook.Lab.PostHogApi;
using PostHogRunbook.Lab.StatusPage;

namespace PostHogRunbook.Lab
{
    /// <summary>
    /// A running lab: every part of the simulated world on its own loopback port, sharing one context. The lab
    /// process (Program) is a thin wrapper over this; tests host it in-process the same way.
    /// </summary>
    public sealed class LabHost : IAsyncDisposable
    {
        readonly IReadOnlyList<LabPart> parts;
        readonly KubernetesApiServer kubernetes;
        readonly bool ownsStateDirectory;
        readonly Action<LabScenario> followScenario;

        LabHost(LabContext context, ProjectKeyRegistry keys, IntegrationCounters counters, NotifyState notifications, IReadOnlyList<LabPart> parts,
            KubernetesApiServer kubernetes, LabEndpoints endpoints, bool ownsStateDirectory)
        {
            Notifications = notifications;
            Context = context;
            ProjectKeys = keys;
            Counters = counters;
            this.parts = parts;
            this.kubernetes = kubernetes;
            Endpoints = endpoints;
            this.ownsStateDirectory = ownsStateDirectory;
            followScenario = counters.Follow;
            context.ScenarioChanged += followScenario;
        }

        public LabContext Context { get; }

        /// <summary>The project keys that /flags accepts (also reachable through the control API).</summary>
        public ProjectKeyRegistry ProjectKeys { get; }

        /// <summary>Our app's Prometheus counters.</summary>
        public IntegrationCounters Counters { get; }

        public LabEndpoints Endpoints { get; }

        /// <summary>What Slack, PagerDuty and the status page received, their planned faults, the status page's incidents.</summary>
        public NotifyState Notifications { get; }

        /// <summary>
        /// Starts every part. An empty StateDirectory means a new temporary one, deleted when the lab is disposed.
        /// </summary>
        public static async Task<LabHost> StartAsync(LabOptions options, CancellationToken cancellationToken)
        {
            var ownsStateDirectory = string.IsNullOrEmpty(options.StateDirectory);
            options = options with
            {
                StateDirectory = ownsStateDirectory
                    ? Directory.CreateTempSubdirectory("posthog-lab-").FullName
                    : Directory.CreateDirectory(options.StateDirectory).FullName,
            };

            var context = new LabContext(options);
            var keys = new ProjectKeyRegistry();
            var counters = new IntegrationCounters(context.Scenario);
            var notifications = new NotifyState();
            var starting = new[]
            {
                LabPart.StartAsync(StatusPageParts.IncidentIoName, context, injectsLatency: true, app => StatusPageParts.MapIncidentIo(app, context), cancellationToken),
                LabPart.StartAsync(StatusPageParts.StatuspageName, context, injectsLatency: true, app => StatusPageParts.MapStatuspage(app, context), cancellationToken),
                LabPart.StartAsync(PostHogApiPart.Name, context, injectsLatency: true, app => PostHogApiPart.Map(app, context, keys), cancellationToken),
                LabPart.StartAsync(AppPart.Name, context, injectsLatency: true, app => AppPart.Map(app, context, counters), cancellationToken),
                // The harness's own handle pays no latency: it is not part of the world being measured.
                LabPart.StartAsync(ControlApi.Name, context, injectsLatency: false, app => ControlApi.Map(app, context, keys), cancellationToken),
                // The services the runbook notifies are outside the world being diagnosed: no latency either.
                LabPart.StartAsync(NotifyPart.Name, context, injectsLatency: false, app => NotifyPart.Map(app, notifications), cancellationToken),
            };

            // The Kubernetes part makes its CA and certificates first: start it beside the others, not after them.
            var kubernetes = new KubernetesApiServer(context);
            var startingCluster = Task.Run(() => kubernetes.StartAsync(cancellationToken), cancellationToken);
            try
            {
                var parts = await Task.WhenAll(starting);
                var cluster = await startingCluster;
                var endpoints = new LabEndpoints(
                    context.Scenario.Name,
                    Environment.ProcessId,
                    parts[0].Url,
                    parts[1].Url,
                    parts[2].Url,
                    parts[3].Url,
                    parts[4].Url,
                    DeadEndpoint.Reserve(),
                    cluster?.Url,
                    cluster?.KubeconfigPath,
                    options.StateDirectory,
                    parts[5].Url);
                return new LabHost(context, keys, counters, notifications, parts, kubernetes, endpoints, ownsStateDirectory);
            }
            catch
            {
                // Let every start finish (successfully or not) before tearing down what did start.
                await SettleAsync(starting.Append<Task>(startingCluster));
                await kubernetes.DisposeAsync();
                foreach (var started in starting.Where(s => s.IsCompletedSuccessfully))
                {
                    var part = await started;
                    await part.DisposeAsync();
                }

                if (ownsStateDirectory)
                {
                    Directory.Delete(options.StateDirectory, recursive: true);
                }

                throw;
            }
        }

        /// <summary>Waits for every task to end, whatever its outcome: the caller rethrows the failure that matters.</summary>
        static async Task SettleAsync(IEnumerable<Task> tasks)
        {
            try
            {
                await Task.WhenAll(tasks);
            }
            catch
            {
                // Each task's own outcome is inspected (or disposed) by the caller.
            }
        }

        public async ValueTask DisposeAsync()
        {
            Context.ScenarioChanged -= followScenario;
            try
            {
                await Task.WhenAll(parts.Select(p => p.DisposeAsync().AsTask()).Append(kubernetes.DisposeAsync().AsTask()));
            }
            finally
            {
                if (ownsStateDirectory && Directory.Exists(Context.Options.StateDirectory))
                {
                    Directory.Delete(Context.Options.StateDirectory, recursive: true);
                }
            }
        }
    }
}
