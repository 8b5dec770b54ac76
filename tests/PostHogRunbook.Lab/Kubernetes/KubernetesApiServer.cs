using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// Where the lab's Kubernetes API listens, the kubeconfig that reaches it, and the folder that plays a pod's
    /// service account mount (token, ca.crt, namespace) for the in-cluster path.
    /// </summary>
    public sealed record KubernetesEndpoint(string Url, string KubeconfigPath, string ServiceAccountDirectory);

    /// <summary>
    /// The lab's Kubernetes API server: its own Kestrel listener on loopback HTTPS (an ephemeral port, a
    /// certificate from a CA made at start), a kubeconfig for it in the state directory, the cluster's state
    /// seeded from the scenario, and the controller loop that makes rollouts happen. Real kubectl and
    /// KubernetesClient talk to it as to a cluster.
    /// </summary>
    public sealed class KubernetesApiServer : IAsyncDisposable
    {
        readonly CancellationTokenSource stopping = new();
        LabCertificateAuthority? certificates;
        LabCluster? cluster;
        WebApplication? app;
        Task? controllerLoop;

        public KubernetesApiServer(LabContext context) => Context = context;

        public LabContext Context { get; }

        public async Task<KubernetesEndpoint?> StartAsync(CancellationToken cancellationToken)
        {
            certificates = LabCertificateAuthority.Create();
            cluster = new LabCluster(Context);
            cluster.Seed(certificates.AuthorityPem);
            var token = "lab-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
            var serviceAccountToken = ServiceAccountFiles.NewToken();
            var handler = new ApiRequestHandler(cluster, Context, token, serviceAccountToken, stopping.Token);

            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(KubernetesApiServer).Assembly.GetName().Name });
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrelHttpsConfiguration();
            var serverCertificate = certificates.Server;
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Listen(IPAddress.Loopback, 0, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(serverCertificate);
                });
            });
            app = builder.Build();
            app.Run(handler.HandleAsync);
            await app.StartAsync(cancellationToken);

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(address).Port;
            var url = $"https://127.0.0.1:{port}";
            handler.ServerAddress = $"127.0.0.1:{port}";
            var kubeconfig = KubeconfigFile.Write(Context.Options.StateDirectory, url, certificates.AuthorityPem, token);
            var serviceAccount = ServiceAccountFiles.Write(Context.Options.StateDirectory, certificates.AuthorityPem, serviceAccountToken);

            Context.ScenarioChanged += OnScenarioChanged;
            controllerLoop = cluster.Controller.RunAsync(stopping.Token);
            return new KubernetesEndpoint(url, kubeconfig, serviceAccount);
        }

        void OnScenarioChanged(LabScenario scenario) => cluster?.ApplyScenario();

        public async ValueTask DisposeAsync()
        {
            Context.ScenarioChanged -= OnScenarioChanged;
            await stopping.CancelAsync();
            if (controllerLoop is not null)
            {
                await controllerLoop;
            }

            if (app is not null)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await app.StopAsync(timeout.Token);
                await app.DisposeAsync();
            }

            certificates?.Dispose();
            stopping.Dispose();
        }
    }
}
