using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Http;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Metrics;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Engine.Status;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Bundle
{
    /// <summary>
    /// Writes an incident's evidence bundle: incident and triage JSON, the status page and health bodies as fetched
    /// now, Prometheus range queries, the deployment, its ReplicaSets, the selected pods and the namespace's
    /// events, every selected container's log since the window (and the previous run's where it restarted), and
    /// a manifest of it all. Every byte passes the one redactor, which first learns the integration secret's
    /// values and the user's patterns. Logs stream pod -> redactor -> spool file -> zip entry, several at once.
    /// A source that fails is named in the manifest and the rest is still written.
    /// </summary>
    public sealed class IncidentBundleExporter
    {
        static readonly JsonSerializerSettings ModelJson = new()
        {
            Formatting = Formatting.Indented,
            Converters = { new StringEnumConverter() },
            ReferenceLoopHandling = ReferenceLoopHandling.Ignore,
            DateFormatHandling = DateFormatHandling.IsoDateFormat,
        };

        readonly RunbookServices services;

        public IncidentBundleExporter(RunbookServices services)
        {
            this.services = services ?? throw new ArgumentNullException(nameof(services));
        }

        /// <summary>Writes the bundle to <see cref="IncidentBundleRequest.Path"/>; a failure of the whole export throws RunbookException and leaves no file there.</summary>
        public async Task<IncidentBundle> ExportAsync(IncidentBundleRequest request, Action<BundleProgress>? progress, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(request);
            var profile = request.Profile;
            if (!request.Overwrite && File.Exists(request.Path))
            {
                throw new RunbookException("BundleFileExists", RunbookErrorKind.InvalidOperation, $"The file '{request.Path}' exists: pass -Force to replace it, or another -Path.", request.Path);
            }

            var folder = Path.GetDirectoryName(request.Path);
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                throw new RunbookException("BundleFolderNotFound", RunbookErrorKind.ObjectNotFound, $"The folder '{folder}' does not exist.", folder);
            }

            var now = services.Time.GetUtcNow();
            var run = new ExportRun(services, request, now, progress);
            LearnUserPatterns(profile, services.Redactor);
            LearnProfileKeys(profile, services.Redactor);

            var spoolFolder = Directory.CreateTempSubdirectory("posthog-bundle-");
            try
            {
                using var archive = BundleArchive.Create(request.Path);
                await run.WriteAsync(archive, spoolFolder.FullName, cancellationToken).ConfigureAwait(false);
                var (bytes, sha256) = await archive.CompleteAsync(request.Overwrite, cancellationToken).ConfigureAwait(false);
                return new IncidentBundle(
                    request.Path,
                    request.Incident?.Id,
                    archive.Entries.Count,
                    bytes,
                    sha256,
                    run.WindowStart,
                    now,
                    run.Tally.Counts,
                    run.Failures.ToList());
            }
            catch (IOException ex)
            {
                throw new RunbookException("BundleWriteFailed", RunbookErrorKind.InvalidOperation, $"The bundle '{request.Path}' could not be written: {ex.Message}", request.Path, inner: ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new RunbookException("BundleWriteFailed", RunbookErrorKind.PermissionDenied, $"The bundle '{request.Path}' could not be written: {ex.Message}", request.Path, inner: ex);
            }
            finally
            {
                try
                {
                    spoolFolder.Delete(recursive: true);
                }
                catch (IOException)
                {
                    // A spool left behind in the temporary folder holds redacted text only.
                }
            }
        }

        /// <summary>The RedactPatterns setting: one regular expression per line.</summary>
        static void LearnUserPatterns(RunbookProfile profile, Redactor redactor)
        {
            var text = profile.Get(RunbookSetting.RedactPatterns);
            if (string.IsNullOrWhiteSpace(text))
            {
                return;
            }

            foreach (var pattern in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                try
                {
                    redactor.AddPattern(pattern);
                }
                catch (ArgumentException ex)
                {
                    throw new RunbookException("InvalidSetting", RunbookErrorKind.InvalidArgument, $"RedactPatterns holds '{pattern}', which is not a regular expression: {ex.Message}", "RedactPatterns");
                }
            }
        }

        static void LearnProfileKeys(RunbookProfile profile, Redactor redactor)
        {
            foreach (var setting in new[] { RunbookSetting.ProjectApiKey, RunbookSetting.PersonalApiKey })
            {
                var key = SecretInputs.Reveal(profile.GetSecret(setting));
                redactor.AddSecret(key);
                if (key != null)
                {
                    redactor.AddSecret(Convert.ToBase64String(Encoding.UTF8.GetBytes(key)));
                }
            }
        }

        /// <summary>One export: its window, its failures, its tally, and the sources in order.</summary>
        sealed class ExportRun
        {
            readonly RunbookServices services;
            readonly IncidentBundleRequest request;
            readonly RunbookProfile profile;
            readonly DateTimeOffset now;
            readonly Action<BundleProgress>? progress;
            readonly TimeSpan timeout;
            readonly ConcurrentQueue<BundleFailure> failures = new();
            readonly List<string> skipped = new();
            long logBytes;
            int streamsDone;

            public ExportRun(RunbookServices services, IncidentBundleRequest request, DateTimeOffset now, Action<BundleProgress>? progress)
            {
                this.services = services;
                this.request = request;
                profile = request.Profile;
                this.now = now;
                this.progress = progress;
                timeout = TimeSpan.FromSeconds(profile.GetInt(RunbookSetting.TimeoutSec, 10));
                WindowStart = request.WindowStart(now);
            }

            public DateTimeOffset WindowStart { get; }

            public RedactionTally Tally { get; } = new();

            public IEnumerable<BundleFailure> Failures => failures;

            Redactor Redactor => services.Redactor;

            public async Task WriteAsync(BundleArchive archive, string spoolFolder, CancellationToken cancellationToken)
            {
                // Kubernetes first: reading the secret teaches the redactor its values before anything is written.
                var gateway = await OpenGatewayAsync(cancellationToken).ConfigureAwait(false);
                if (gateway != null)
                {
                    await LearnSecretAsync(gateway, cancellationToken).ConfigureAwait(false);
                }

                await AddJsonAsync(archive, "incident.json", request.Incident == null ? "null" : JsonConvert.SerializeObject(request.Incident, ModelJson), cancellationToken).ConfigureAwait(false);
                var reports = request.Reports.Count > 0 ? (object)request.Reports : request.Incident?.Reports ?? (object)Array.Empty<object>();
                await AddJsonAsync(archive, "triage.json", JsonConvert.SerializeObject(reports, ModelJson), cancellationToken).ConfigureAwait(false);

                // One failure of the whole export (a write that fails, a stop) ends the other sources too, and they
                // are awaited before the archive and the spool go away.
                using var failing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var token = failing.Token;
                var statusTask = Fetch("status-page.json", FetchStatusPageAsync, token);
                var healthTask = Fetch("health.json", FetchHealthAsync, token);
                var metricsTask = Fetch("metrics", FetchMetricsAsync, token);
                var started = new List<Task> { statusTask, healthTask, metricsTask };
                try
                {
                    IReadOnlyList<V1Pod> pods = Array.Empty<V1Pod>();
                    if (gateway != null)
                    {
                        pods = await AddKubernetesAsync(archive, gateway, token).ConfigureAwait(false);
                    }

                    var logsTask = gateway == null ? Task.CompletedTask : AddLogsAsync(archive, gateway, pods, spoolFolder, token);
                    started.Add(logsTask);
                    foreach (var (name, body) in (await statusTask.ConfigureAwait(false)).Concat(await healthTask.ConfigureAwait(false)).Concat(await metricsTask.ConfigureAwait(false)))
                    {
                        await AddJsonAsync(archive, name, body, token).ConfigureAwait(false);
                    }

                    await logsTask.ConfigureAwait(false);
                }
                catch
                {
                    await failing.CancelAsync().ConfigureAwait(false);
                    await Task.WhenAll(started).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                    throw;
                }

                await AddManifestAsync(archive, cancellationToken).ConfigureAwait(false);
            }

            // ---- sources

            async Task<IKubernetesGateway?> OpenGatewayAsync(CancellationToken cancellationToken)
            {
                var kubeConfig = KubeConfigReader.Locate(profile.Get(RunbookSetting.KubeConfig));
                if (kubeConfig == null)
                {
                    skipped.Add("kubernetes: no kubeconfig (-KubeConfig or KUBECONFIG)");
                    return null;
                }

                try
                {
                    return await Task.Run(() => services.Kubernetes.Open(kubeConfig, profile.Get(RunbookSetting.Context), profile.Get(RunbookSetting.Namespace)), cancellationToken).ConfigureAwait(false);
                }
                catch (RunbookException ex)
                {
                    Failed("kubernetes", ex);
                    return null;
                }
            }

            async Task LearnSecretAsync(IKubernetesGateway gateway, CancellationToken cancellationToken)
            {
                var name = profile.Get(RunbookSetting.SecretName)!;
                try
                {
                    using var bounded = Bounded(cancellationToken);
                    var secret = await gateway.GetSecretAsync(name, bounded.Token).ConfigureAwait(false);
                    foreach (var value in secret.Data?.Values ?? Enumerable.Empty<byte[]>())
                    {
                        Redactor.AddSecret(Encoding.UTF8.GetString(value).Trim());
                        Redactor.AddSecret(Convert.ToBase64String(value));
                    }
                }
                catch (RunbookException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // Without the values the rules still mask what has a known shape; the manifest says so.
                    Failed($"secret/{name} (redaction of its values)", ex);
                }
            }

            async Task<IReadOnlyList<(string Name, string Body)>> FetchStatusPageAsync(CancellationToken cancellationToken)
            {
                var url = profile.GetUri(RunbookSetting.StatusPageUrl);
                if (url == null)
                {
                    skipped.Add("status-page.json: no -StatusPageUrl");
                    return Array.Empty<(string, string)>();
                }

                var client = new StatusPageClient(services);
                var (fetched, _) = await client.FetchDocumentAsync(url, timeout, cancellationToken).ConfigureAwait(false);
                return new[] { ("status-page.json", fetched.BodyText) };
            }

            async Task<IReadOnlyList<(string Name, string Body)>> FetchHealthAsync(CancellationToken cancellationToken)
            {
                var url = profile.GetUri(RunbookSetting.HealthUrl);
                if (url == null)
                {
                    skipped.Add("health.json: no -HealthUrl");
                    return Array.Empty<(string, string)>();
                }

                try
                {
                    var fetched = await services.Http.GetAsync(url, timeout, cancellationToken).ConfigureAwait(false);
                    return new[] { ("health.json", fetched.BodyText) };
                }
                catch (DependencyUnreachableException ex)
                {
                    throw ex.Named("AppHealthUnreachable", "The integration's health endpoint is unreachable. ", RunbookHttp.Describe(url));
                }
            }

            async Task<IReadOnlyList<(string Name, string Body)>> FetchMetricsAsync(CancellationToken cancellationToken)
            {
                var url = profile.GetUri(RunbookSetting.PrometheusUrl);
                if (url == null)
                {
                    skipped.Add("metrics: no -PrometheusUrl");
                    return Array.Empty<(string, string)>();
                }

                var prometheus = new PrometheusClient(services.Http, url, timeout);
                var selector = profile.Get(RunbookSetting.MetricsSelector);
                var errors = MetricSeries.Select(profile.Get(RunbookSetting.ErrorMetric)!, selector);
                var requests = MetricSeries.Select(profile.Get(RunbookSetting.RequestMetric)!, selector);
                var step = IncidentBundleRequest.MetricsStep(request.MetricsWindow);
                var rateWindow = string.Create(CultureInfo.InvariantCulture, $"{(long)Math.Max(60, step.TotalSeconds * 4)}s");
                var start = now - request.MetricsWindow;
                var queries = new[]
                {
                    ("metrics/errors-by-status.json", $"sum by (status) (rate({errors}[{rateWindow}]))"),
                    ("metrics/requests.json", $"sum(rate({requests}[{rateWindow}]))"),
                };
                var results = new List<(string, string)>();
                foreach (var (name, query) in queries)
                {
                    var data = await prometheus.QueryRangeRawAsync(query, start, now, step, cancellationToken).ConfigureAwait(false);
                    var document = new JObject
                    {
                        ["query"] = query,
                        ["start"] = start.ToString("o", CultureInfo.InvariantCulture),
                        ["end"] = now.ToString("o", CultureInfo.InvariantCulture),
                        ["step"] = string.Create(CultureInfo.InvariantCulture, $"{(long)step.TotalSeconds}s"),
                        ["data"] = JToken.Parse(data),
                    };
                    results.Add((name, document.ToString(Formatting.Indented)));
                }

                return results;
            }

            /// <summary>A source's documents, or none and a failure recorded.</summary>
            async Task<IReadOnlyList<(string Name, string Body)>> Fetch(string source, Func<CancellationToken, Task<IReadOnlyList<(string Name, string Body)>>> fetch, CancellationToken cancellationToken)
            {
                try
                {
                    return await fetch(cancellationToken).ConfigureAwait(false);
                }
                catch (RunbookException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    Failed(source, ex);
                    return Array.Empty<(string, string)>();
                }
            }

            async Task<IReadOnlyList<V1Pod>> AddKubernetesAsync(BundleArchive archive, IKubernetesGateway gateway, CancellationToken cancellationToken)
            {
                var deploymentName = profile.Get(RunbookSetting.Deployment)!;
                var selector = profile.Get(RunbookSetting.Selector)!;
                await AddObjectAsync(archive, "kubernetes/deployment.json", token => gateway.GetDeploymentAsync(deploymentName, token), cancellationToken).ConfigureAwait(false);
                await AddObjectAsync(archive, "kubernetes/replicasets.json", async token =>
                {
                    var all = await gateway.ListReplicaSetsAsync(selector, token).ConfigureAwait(false);
                    return (object)all.Where(r => r.Metadata?.OwnerReferences?.Any(o => o.Kind == "Deployment" && o.Name == deploymentName) ?? false).ToList();
                }, cancellationToken).ConfigureAwait(false);
                IReadOnlyList<V1Pod> pods = Array.Empty<V1Pod>();
                await AddObjectAsync(archive, "kubernetes/pods.json", async token => pods = await gateway.ListPodsAsync(selector, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                await AddObjectAsync(archive, "kubernetes/events.json", async token => await gateway.ListEventsAsync(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                return pods;
            }

            async Task AddObjectAsync<T>(BundleArchive archive, string name, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
            {
                T value;
                try
                {
                    using var bounded = Bounded(cancellationToken);
                    value = await read(bounded.Token).ConfigureAwait(false);
                }
                catch (RunbookException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    Failed(name, ex);
                    return;
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    Failed(name, new RunbookException("KubernetesTimeout", RunbookErrorKind.OperationTimeout, $"No answer within {timeout.TotalSeconds:0} s.", name, inner: ex));
                    return;
                }

                await AddJsonAsync(archive, name, KubernetesJson.Serialize(value), cancellationToken).ConfigureAwait(false);
            }

            async Task AddLogsAsync(BundleArchive archive, IKubernetesGateway gateway, IReadOnlyList<V1Pod> pods, string spoolFolder, CancellationToken cancellationToken)
            {
                var sinceSeconds = (int)Math.Clamp(Math.Ceiling((now - WindowStart).TotalSeconds), 1, int.MaxValue);
                var streams = new List<(string Pod, string Container, bool Previous)>();
                foreach (var pod in pods)
                {
                    var name = pod.Metadata?.Name;
                    if (name == null)
                    {
                        continue;
                    }

                    foreach (var container in pod.Spec?.Containers ?? new List<V1Container>())
                    {
                        streams.Add((name, container.Name, false));
                        var status = pod.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == container.Name);
                        if (status is { RestartCount: > 0 })
                        {
                            streams.Add((name, container.Name, true));
                        }
                    }
                }

                Report(streams.Count, null);
                using var slots = new SemaphoreSlim(Math.Max(1, request.ThrottleLimit));
                var work = streams.Select(async stream =>
                {
                    await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await AddLogAsync(archive, gateway, stream.Pod, stream.Container, stream.Previous, sinceSeconds, spoolFolder, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        slots.Release();
                    }

                    Interlocked.Increment(ref streamsDone);
                    Report(streams.Count, $"{stream.Pod}/{stream.Container}");
                }).ToList();
                await Task.WhenAll(work).ConfigureAwait(false);
            }

            async Task AddLogAsync(BundleArchive archive, IKubernetesGateway gateway, string pod, string container, bool previous, int sinceSeconds, string spoolFolder, CancellationToken cancellationToken)
            {
                var entry = $"logs/{pod}/{container}{(previous ? ".previous" : string.Empty)}.log";
                var spool = Path.Combine(spoolFolder, $"{pod}.{container}.{(previous ? "previous" : "current")}.log");
                long bytes;
                string sha256;
                try
                {
                    var log = await gateway.OpenPodLogAsync(pod, container, previous ? null : sinceSeconds, timestamps: true, previous, cancellationToken).ConfigureAwait(false);
                    await using (log.ConfigureAwait(false))
                    {
                        var file = BundleArchive.OwnerOnly(spool, FileMode.CreateNew, FileAccess.Write);
                        await using (file.ConfigureAwait(false))
                        {
                            using var hashing = new HashingStream(file, bytes => Interlocked.Add(ref logBytes, bytes));
                            using (var redacting = Redactor.OpenWriter(hashing, Tally))
                            {
                                await log.CopyToAsync(redacting, 128 * 1024, cancellationToken).ConfigureAwait(false);
                            }

                            (bytes, sha256) = (hashing.Length, hashing.Sha256());
                        }
                    }
                }
                catch (RunbookException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    Failed(entry, ex);
                    return;
                }
                catch (Exception ex) when (ex is IOException or System.Net.Http.HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    Failed(entry, new RunbookException("PodLogInterrupted", RunbookErrorKind.ConnectionError, $"The log of {pod}/{container} broke off: {ex.Message}", entry, inner: ex));
                    return;
                }

                await archive.AddFileAsync(entry, spool, bytes, sha256, cancellationToken).ConfigureAwait(false);
                File.Delete(spool);
            }

            // ---- the manifest

            async Task AddManifestAsync(BundleArchive archive, CancellationToken cancellationToken)
            {
                var version = typeof(IncidentBundleExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                    ?? typeof(IncidentBundleExporter).Assembly.GetName().Version?.ToString() ?? "unknown";
                var parameters = new JObject();
                foreach (var setting in RunbookSetting.All.Where(s => !s.IsSecret))
                {
                    string? value;
                    try
                    {
                        value = profile.Get(setting);
                    }
                    catch (RunbookException)
                    {
                        continue;
                    }

                    if (value != null)
                    {
                        parameters[setting.Name] = Redactor.Redact(value, Tally);
                    }
                }

                parameters["Since"] = request.Since?.ToString("c", CultureInfo.InvariantCulture);
                parameters["MetricsWindow"] = request.MetricsWindow.ToString("c", CultureInfo.InvariantCulture);
                parameters["ThrottleLimit"] = request.ThrottleLimit;
                var manifest = new JObject
                {
                    ["tool"] = "PostHogRunbook",
                    ["toolVersion"] = version,
                    ["createdAt"] = now.ToString("o", CultureInfo.InvariantCulture),
                    ["incidentId"] = request.Incident?.Id,
                    ["window"] = new JObject { ["start"] = WindowStart.ToString("o", CultureInfo.InvariantCulture), ["end"] = now.ToString("o", CultureInfo.InvariantCulture) },
                    ["parameters"] = parameters,
                    ["entries"] = new JArray(archive.Entries.Select(e => new JObject { ["name"] = e.Name, ["bytes"] = e.Bytes, ["sha256"] = e.Sha256 })),
                    ["redactions"] = JObject.FromObject(Tally.Counts),
                    ["failures"] = new JArray(failures.Select(f => new JObject { ["source"] = f.Source, ["errorId"] = f.ErrorId, ["message"] = f.Message })),
                    ["skipped"] = new JArray(skipped),
                };

                // Written as is: every value in it already passed the redactor.
                await archive.AddAsync("manifest.json", Encoding.UTF8.GetBytes(manifest.ToString(Formatting.Indented)), cancellationToken).ConfigureAwait(false);
            }

            // ---- helpers

            Task AddJsonAsync(BundleArchive archive, string name, string body, CancellationToken cancellationToken)
                => archive.AddAsync(name, Encoding.UTF8.GetBytes(Redactor.Redact(body, Tally)), cancellationToken);

            void Failed(string source, RunbookException ex)
                => failures.Enqueue(new BundleFailure(source, ex.ErrorId, Redactor.Redact(ex.Message)));

            void Report(int total, string? last)
                => progress?.Invoke(new BundleProgress(Volatile.Read(ref streamsDone), total, Interlocked.Read(ref logBytes), last));

            CancellationTokenSource Bounded(CancellationToken cancellationToken)
            {
                var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bounded.CancelAfter(timeout);
                return bounded;
            }
        }

        /// <summary>Passes writes on, counting and hashing them: a log's size and SHA-256 without reading it twice.</summary>
        sealed class HashingStream : Stream
        {
            readonly Stream inner;
            readonly Action<int> written;
            readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length;

            public HashingStream(Stream inner, Action<int> written)
            {
                this.inner = inner;
                this.written = written;
            }

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => length;

            public override long Position { get => length; set => throw new NotSupportedException(); }

            public string Sha256() => Convert.ToHexString(hash.GetHashAndReset());

            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                inner.Write(buffer);
                hash.AppendData(buffer);
                length += buffer.Length;
                written(buffer.Length);
            }

            public override void Flush() => inner.Flush();

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    hash.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }
}
