using System;
using System.Net.Http;
using PostHogRunbook.Engine.Http;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Redaction;

namespace PostHogRunbook.Engine.Services
{
    /// <summary>
    /// The composition root of one command: the services every engine part is given rather than reaching
    /// through statics. Built once per command by the cmdlet base and disposed with it, so the Kubernetes
    /// clients it opened, and what the redactor learned, live exactly as long as the command.
    /// </summary>
    public sealed class RunbookServices : IDisposable
    {
        readonly KubernetesConnector? ownedConnector;

        internal RunbookServices(IRunbookHttp http, IKubernetesConnector kubernetes, Redactor redactor, TimeProvider time)
        {
            Http = http;
            Kubernetes = kubernetes;
            Redactor = redactor;
            Time = time;
            ownedConnector = kubernetes as KubernetesConnector;
        }

        /// <summary>The services of a command: HTTP through <paramref name="httpClient"/> (the module's pool), a fresh connector and redactor.</summary>
        public static RunbookServices Create(HttpClient httpClient, TimeProvider? time = null)
            => new(new RunbookHttp(httpClient), new KubernetesConnector(), new Redactor(), time ?? TimeProvider.System);

        /// <summary>A connection pool for <see cref="Create"/>: the module makes one per load and disposes it on removal.</summary>
        public static HttpClient CreateHttpClient() => RunbookHttp.CreateClient();

        internal IRunbookHttp Http { get; }

        internal IKubernetesConnector Kubernetes { get; }

        /// <summary>The one redactor: every text shown, journaled or sent passes it; it learns the secrets the command reads.</summary>
        public Redactor Redactor { get; }

        public TimeProvider Time { get; }

        public void Dispose() => ownedConnector?.Dispose();
    }
}
