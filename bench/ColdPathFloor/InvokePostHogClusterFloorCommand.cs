using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace PostHogRunbookFloor
{
    /// <summary>
    /// The first triage's floor: only the triage's longest chain (the error-log check: list the pods by label,
    /// then every pod's log at once), done with the framework alone, as lean as a module can do it. No YAML
    /// library (the kubeconfig's server, token and CA are read by line), no Kubernetes client, no other check,
    /// JsonDocument for the pod list; one HttpClient per call (a TLS handshake each time, as the module opens
    /// one client per command), HTTP/2 as the lab's API server offers it. Writes the call's milliseconds.
    /// Whatever the first call costs beyond a later one in the same process is what .NET and pwsh spend the
    /// first time any module reads a cluster over TLS: no module's first triage can be cheaper than that.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "PostHogClusterFloor")]
    [OutputType(typeof(double))]
    public sealed class InvokePostHogClusterFloorCommand : PSCmdlet
    {
        [Parameter(Mandatory = true)]
        public string KubeConfig { get; set; } = string.Empty;

        [Parameter]
        public string Selector { get; set; } = "app=posthog-integration";

        protected override void EndProcessing()
        {
            var clock = Stopwatch.StartNew();
            Task.Run(ReadAsync).GetAwaiter().GetResult();
            WriteObject(clock.Elapsed.TotalMilliseconds);
        }

        async Task ReadAsync()
        {
            var (server, token, authority, @namespace) = ReadKubeConfig(KubeConfig);
            using var ca = X509Certificate2.CreateFromPem(authority);
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.Add(ca);
            using var handler = new SocketsHttpHandler();
            handler.SslOptions.CertificateChainPolicy = policy;
            using var client = new HttpClient(handler) { BaseAddress = new Uri(server), DefaultRequestVersion = HttpVersion.Version20 };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            var pods = new List<(string Name, string Container)>();
            using (var list = JsonDocument.Parse(await client.GetStringAsync($"api/v1/namespaces/{@namespace}/pods?labelSelector={Uri.EscapeDataString(Selector)}").ConfigureAwait(false)))
            {
                foreach (var item in list.RootElement.GetProperty("items").EnumerateArray())
                {
                    pods.Add((item.GetProperty("metadata").GetProperty("name").GetString()!, item.GetProperty("spec").GetProperty("containers")[0].GetProperty("name").GetString()!));
                }
            }

            await Task.WhenAll(pods.Select(async pod =>
            {
                using var log = await client.GetStreamAsync($"api/v1/namespaces/{@namespace}/pods/{pod.Name}/log?container={pod.Container}&sinceSeconds=300&timestamps=true").ConfigureAwait(false);
                using var reader = new StreamReader(log);
                while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
                {
                    _ = line.Contains("error", StringComparison.OrdinalIgnoreCase);
                }
            })).ConfigureAwait(false);
        }

        /// <summary>The lab's kubeconfig, one context, read by line: server, token, CA data, namespace.</summary>
        static (string Server, string Token, string Authority, string Namespace) ReadKubeConfig(string path)
        {
            var lines = File.ReadAllLines(path).Select(l => l.Trim()).ToArray();
            string Value(string key) => lines.First(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();
            return (Value("server"), Value("token"), Encoding.ASCII.GetString(Convert.FromBase64String(Value("certificate-authority-data"))), Value("namespace"));
        }
    }
}
