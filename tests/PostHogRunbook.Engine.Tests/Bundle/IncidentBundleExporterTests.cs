using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Bundle;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Lab;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Bundle
{
    /// <summary>
    /// The evidence bundle against the in-process lab through the real KubernetesClient: every part, hashes that
    /// match, no planted secret left in any byte, the unrelated pod absent, and a dead source recorded while the
    /// bundle is still written. (Metrics from a real Prometheus: tests/pester/Bundle.Tests.ps1.)
    /// </summary>
    public sealed class IncidentBundleExporterTests : IDisposable
    {
        static readonly HttpClient Http = RunbookServices.CreateHttpClient();

        readonly string folder = Directory.CreateTempSubdirectory("bundle-test-").FullName;

        public void Dispose() => Directory.Delete(folder, recursive: true);

        static Task<LabHost> StartLabAsync(string scenario)
            => LabHost.StartAsync(new LabOptions(scenario, LatencyMs: 0, PodCount: 3, LogBytesPerPod: 300 * 1024, StateDirectory: string.Empty), CancellationToken.None);

        static RunbookProfile Profile(LabEndpoints lab, string prometheusUrl, string? redactPatterns = null) => RunbookProfile.Resolve(
            new Dictionary<string, string?>
            {
                ["KubeConfig"] = lab.KubeconfigPath,
                ["StatusPageUrl"] = lab.StatusPageUrl,
                ["HealthUrl"] = lab.AppUrl + "/health",
                ["PrometheusUrl"] = prometheusUrl,
                ["TimeoutSec"] = "5",
                ["RedactPatterns"] = redactPatterns,
            },
            null);

        async Task<(IncidentBundle Bundle, Dictionary<string, byte[]> Entries)> ExportAsync(LabEndpoints lab, string prometheusUrl, TimeSpan? since = null, string? redactPatterns = null)
        {
            using var services = RunbookServices.Create(Http);
            var path = Path.Combine(folder, "bundle.zip");
            var request = new IncidentBundleRequest(Profile(lab, prometheusUrl, redactPatterns), path, null, Array.Empty<TriageReport>(), since ?? TimeSpan.FromHours(1), TimeSpan.FromHours(2), 4, false);
            var bundle = await new IncidentBundleExporter(services).ExportAsync(request, null, CancellationToken.None);
            var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            using (var zip = ZipFile.OpenRead(path))
            {
                foreach (var entry in zip.Entries)
                {
                    using var stream = entry.Open();
                    using var copy = new MemoryStream();
                    await stream.CopyToAsync(copy);
                    entries[entry.FullName] = copy.ToArray();
                }
            }

            return (bundle, entries);
        }

        static string KubeconfigToken(LabEndpoints lab)
            => Regex.Match(File.ReadAllText(lab.KubeconfigPath!), @"token:\s*(\S+)").Groups[1].Value;

        static IEnumerable<string> Plants(LabEndpoints lab)
        {
            foreach (var secret in new[] { LabKeys.Good, LabKeys.Revoked, LabKeys.Personal, KubeconfigToken(lab) })
            {
                yield return secret;
                yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
                yield return secret[4..]; // the key without its prefix: a half-masked key is a leaked key
            }
        }

        [Fact]
        public async Task Holds_every_part_with_matching_hashes_and_no_secret_in_any_byte()
        {
            await using var lab = await StartLabAsync("oom");

            var (bundle, entries) = await ExportAsync(lab.Endpoints, lab.Endpoints.DeadUrl);

            foreach (var name in new[] { "incident.json", "triage.json", "status-page.json", "health.json", "kubernetes/deployment.json", "kubernetes/replicasets.json", "kubernetes/pods.json", "kubernetes/events.json", "manifest.json" })
            {
                Assert.True(entries.ContainsKey(name), $"{name} is missing; the bundle holds {string.Join(", ", entries.Keys)}");
            }

            var manifest = JObject.Parse(Encoding.UTF8.GetString(entries["manifest.json"]));
            var listed = manifest["entries"]!.ToDictionary(e => (string)e["name"]!, e => ((long)e["bytes"]!, (string)e["sha256"]!));
            Assert.Equal(entries.Keys.Where(k => k != "manifest.json").OrderBy(k => k, StringComparer.Ordinal), listed.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var (name, (bytes, sha)) in listed)
            {
                Assert.Equal(bytes, entries[name].LongLength);
                Assert.Equal(sha, Convert.ToHexString(SHA256.HashData(entries[name])));
            }

            Assert.Equal(Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(bundle.Path))), bundle.Sha256);
            Assert.Equal(entries.Count, bundle.Files);

            // Logs: each integration pod's containers, the previous run of the OOMKilled ones, never the billing pod.
            var pods = JArray.Parse(Encoding.UTF8.GetString(entries["kubernetes/pods.json"]));
            var podNames = pods.Select(p => (string)p["metadata"]!["name"]!).ToList();
            Assert.Equal(3, podNames.Count);
            foreach (var pod in pods)
            {
                var name = (string)pod["metadata"]!["name"]!;
                foreach (var status in pod["status"]!["containerStatuses"]!)
                {
                    var container = (string)status["name"]!;
                    Assert.True(entries.ContainsKey($"logs/{name}/{container}.log"), $"logs/{name}/{container}.log missing");
                    Assert.Equal((int)status["restartCount"]! > 0, entries.ContainsKey($"logs/{name}/{container}.previous.log"));
                }
            }

            Assert.Contains(entries.Keys, k => k.EndsWith(".previous.log", StringComparison.Ordinal));
            Assert.DoesNotContain(entries.Keys, k => k.Contains("billing", StringComparison.Ordinal));
            Assert.All(entries.Where(e => e.Key.StartsWith("logs/", StringComparison.Ordinal)).SelectMany(e => Encoding.UTF8.GetString(e.Value).Split('\n', StringSplitOptions.RemoveEmptyEntries)),
                line => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z ", line));

            // No plant survives, anywhere; what was removed is what the manifest counts.
            var everything = entries.ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value));
            foreach (var plant in Plants(lab.Endpoints))
            {
                Assert.DoesNotContain(everything, e => e.Value.Contains(plant, StringComparison.Ordinal));
            }

            var masks = everything.Where(e => e.Key != "manifest.json").Sum(e => Regex.Count(e.Value, Regex.Escape(Redactor.Mask)))
                        + Regex.Count(((JObject)manifest["parameters"]!).ToString(), Regex.Escape(Redactor.Mask));
            var counted = manifest["redactions"]!.Children<JProperty>().Sum(p => (int)p.Value);
            Assert.True(counted > 0, "the lab's logs plant keys: something must have been removed");
            Assert.Equal(masks, counted);
            Assert.Equal(counted, bundle.Redactions.Values.Sum());
            Assert.True(bundle.Redactions.ContainsKey("KnownSecret"), "the secret's value was learned and masked: " + string.Join(", ", bundle.Redactions));
        }

        [Fact]
        public async Task With_prometheus_down_records_PrometheusUnreachable_and_still_writes_the_rest()
        {
            await using var lab = await StartLabAsync("us-outage");

            var (bundle, entries) = await ExportAsync(lab.Endpoints, lab.Endpoints.DeadUrl);

            var failure = Assert.Single(bundle.Failures);
            Assert.Equal("metrics", failure.Source);
            Assert.Equal("PrometheusUnreachable", failure.ErrorId);
            var manifest = JObject.Parse(Encoding.UTF8.GetString(entries["manifest.json"]));
            Assert.Equal("PrometheusUnreachable", (string)manifest["failures"]![0]!["errorId"]!);
            Assert.DoesNotContain(entries.Keys, k => k.StartsWith("metrics/", StringComparison.Ordinal));
            Assert.Contains(entries.Keys, k => k.StartsWith("logs/", StringComparison.Ordinal));
            Assert.True(File.Exists(bundle.Path));
            Assert.Single(Directory.GetFiles(folder));
        }

        [Fact]
        public async Task Masks_the_users_patterns_and_leaves_no_file_when_stopped()
        {
            await using var lab = await StartLabAsync("healthy");

            var (bundle, entries) = await ExportAsync(lab.Endpoints, lab.Endpoints.DeadUrl, redactPatterns: "invoice processed\nposthog request ok");

            Assert.True(bundle.Redactions.GetValueOrDefault("UserPattern") > 0, string.Join(", ", bundle.Redactions));
            Assert.DoesNotContain(entries.Where(e => e.Key.StartsWith("logs/", StringComparison.Ordinal)), e => Encoding.UTF8.GetString(e.Value).Contains("posthog request ok", StringComparison.Ordinal));

            File.Delete(bundle.Path);
            using var services = RunbookServices.Create(Http);
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            var request = new IncidentBundleRequest(Profile(lab.Endpoints, lab.Endpoints.DeadUrl), bundle.Path, null, Array.Empty<TriageReport>(), TimeSpan.FromHours(1), TimeSpan.FromHours(2), 1, false);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new IncidentBundleExporter(services).ExportAsync(request, null, stop.Token));
            Assert.Empty(Directory.GetFiles(folder));
        }
    }
}
