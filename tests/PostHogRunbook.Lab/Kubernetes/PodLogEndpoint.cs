using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// GET /api/v1/namespaces/{ns}/pods/{name}/log, as the kubelet answers through the API server: which run of
    /// which container (a crash-looping container's log is its last terminated run, `previous` too), the kubelet's
    /// order of filters (tailLines over the whole log, then since), the timestamps prefix, limitBytes, and follow.
    /// The body is streamed through a small buffer: a 20 MB log never exists in memory.
    /// </summary>
    internal static class PodLogEndpoint
    {
        const int BufferSize = 64 * 1024;

        public static async Task ServeAsync(HttpContext http, LabCluster cluster, LabContext lab, string ns, string podName, CancellationToken cancellationToken)
        {
            var now = DateTimeOffset.UtcNow;
            var pod = cluster.Store.Get(ResourceTypes.Pods, ns, podName) ?? throw StatusObjects.NotFound(ResourceTypes.Pods, podName);
            var request = PodLogRequest.Parse(http.Request.Query, podName, now);
            var container = PickContainer(pod, podName, request.Container);
            var script = ScriptFor(cluster, lab, pod, podName, container, request.Previous, now);

            http.Response.StatusCode = 200;
            http.Response.ContentType = "text/plain";
            using var writer = new LogWriter(http.Response.Body, request.Timestamps, request.LimitBytes);
            IEnumerable<LogLine> lines = script.Lines();
            if (request.TailLines is { } tail)
            {
                lines = LastLines(lines, tail);
            }

            foreach (var line in lines)
            {
                if (request.Since is { } since && line.At < since)
                {
                    continue;
                }

                if (!await writer.WriteAsync(line, cancellationToken))
                {
                    break;
                }
            }

            await writer.FlushAsync(cancellationToken);
            if (request.Follow && script.Ending == RunEnding.StillRunning && !writer.LimitReached)
            {
                await FollowAsync(writer, script, cancellationToken);
            }
        }

        /// <summary>Keeps the stream open, one new line a second, until the client goes away.</summary>
        static async Task FollowAsync(LogWriter writer, PodLogScript script, CancellationToken cancellationToken)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            long index = 0;
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    if (!await writer.WriteAsync(script.FollowLine(index++, DateTimeOffset.UtcNow), cancellationToken))
                    {
                        break;
                    }

                    await writer.FlushAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The client closed the stream: that is how a follow ends.
            }
        }

        static string PickContainer(JsonObject pod, string podName, string? requested)
        {
            var names = pod["spec"]!["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
            if (requested is null)
            {
                if (names.Count == 1)
                {
                    return names[0];
                }

                throw StatusObjects.BadRequest($"a container name must be specified for pod {podName}, choose one of: [{string.Join(" ", names)}]");
            }

            if (!names.Contains(requested))
            {
                throw StatusObjects.BadRequest($"container {requested} is not valid for pod {podName}");
            }

            return requested;
        }

        static PodLogScript ScriptFor(LabCluster cluster, LabContext lab, JsonObject pod, string podName, string container, bool previous, DateTimeOffset now)
        {
            var status = (pod["status"]?["containerStatuses"] as JsonArray)?
                .FirstOrDefault(s => s?["name"]?.GetValue<string>() == container) as JsonObject;
            var running = status?["state"]?["running"];
            var terminated = status?["lastState"]?["terminated"];
            var isMain = pod["spec"]!["containers"]![0]!["name"]!.GetValue<string>() == container;
            var role = podName == WorkloadObjects.BillingPodName ? ContainerRole.Billing : isMain ? ContainerRole.Main : ContainerRole.Sidecar;

            // The kubelet's rules: previous needs a terminated run; a waiting (crash-looping) container shows its last one.
            DateTimeOffset start;
            DateTimeOffset window;
            DateTimeOffset end;
            RunEnding ending;
            if (previous || running is null)
            {
                if (terminated is null)
                {
                    throw previous
                        ? StatusObjects.BadRequest($"previous terminated container \"{container}\" in pod \"{podName}\" not found")
                        : StatusObjects.BadRequest($"container \"{container}\" in pod \"{podName}\" is waiting to start: {status?["state"]?["waiting"]?["reason"]?.GetValue<string>() ?? "ContainerCreating"}");
                }

                end = Time(terminated["finishedAt"], now);
                start = Time(terminated["startedAt"], end - PodStatuses.FailedRunLength);
                window = start;
                ending = terminated["reason"]?.GetValue<string>() == "OOMKilled" ? RunEnding.OomKilled : RunEnding.Panic;
            }
            else
            {
                start = Time(running["startedAt"], now.AddMinutes(-10));
                end = now;
                ending = RunEnding.StillRunning;

                // What the runtime still keeps: the last ten minutes of a long-running container.
                window = now.AddMinutes(-10);
            }

            return new PodLogScript(podName, container, role, cluster.Scenario, CurrentProjectKey(cluster), LabKeys.Personal,
                start, window, end, ending, lab.Options.LogBytesPerPod);
        }

        static DateTimeOffset Time(JsonNode? node, DateTimeOffset fallback) =>
            KubeTime.TryParse(node?.GetValue<string>(), out var at) ? at : fallback;

        /// <summary>Pods log the key they were given: whatever the secret holds now.</summary>
        static string CurrentProjectKey(LabCluster cluster)
        {
            var encoded = cluster.Store.Get(ResourceTypes.Secrets, WorkloadObjects.Namespace, WorkloadObjects.SecretName)?["data"]?[WorkloadObjects.SecretKey]?.GetValue<string>();
            if (encoded is null)
            {
                return LabKeys.DeploymentKey(cluster.Scenario);
            }

            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            }
            catch (FormatException)
            {
                return LabKeys.DeploymentKey(cluster.Scenario);
            }
        }

        static IEnumerable<LogLine> LastLines(IEnumerable<LogLine> lines, long count)
        {
            if (count == 0)
            {
                return Array.Empty<LogLine>();
            }

            var kept = new Queue<LogLine>();
            foreach (var line in lines)
            {
                kept.Enqueue(line);
                if (kept.Count > count)
                {
                    kept.Dequeue();
                }
            }

            return kept;
        }

        /// <summary>Encodes lines into a pooled buffer and writes it out in 64 KB pieces; stops at limitBytes.</summary>
        sealed class LogWriter : IDisposable
        {
            readonly Stream body;
            readonly bool timestamps;
            readonly long? limit;
            readonly byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            int used;
            long written;

            public LogWriter(Stream body, bool timestamps, long? limit)
            {
                this.body = body;
                this.timestamps = timestamps;
                this.limit = limit;
            }

            public bool LimitReached => limit is { } l && written >= l;

            public async ValueTask<bool> WriteAsync(LogLine line, CancellationToken cancellationToken)
            {
                var text = timestamps ? KubeTime.FormatNanoFixed(line.At) + " " + line.Text + "\n" : line.Text + "\n";
                var bytes = Encoding.UTF8.GetByteCount(text);
                if (used + bytes > buffer.Length)
                {
                    await WriteBufferAsync(cancellationToken);
                }

                var encoded = bytes <= buffer.Length ? buffer : new byte[bytes];
                var offset = bytes <= buffer.Length ? used : 0;
                Encoding.UTF8.GetBytes(text, 0, text.Length, encoded, offset);
                var take = bytes;
                if (limit is { } l && written + take > l)
                {
                    take = (int)(l - written);
                }

                if (ReferenceEquals(encoded, buffer))
                {
                    used += take;
                }
                else
                {
                    await body.WriteAsync(encoded.AsMemory(0, take), cancellationToken);
                }

                written += take;
                return !LimitReached;
            }

            /// <summary>Hands the buffer to Kestrel, which sends it when its own buffers fill.</summary>
            async ValueTask WriteBufferAsync(CancellationToken cancellationToken)
            {
                if (used > 0)
                {
                    await body.WriteAsync(buffer.AsMemory(0, used), cancellationToken);
                    used = 0;
                }
            }

            /// <summary>Sends everything now: at the end, and after each followed line.</summary>
            public async ValueTask FlushAsync(CancellationToken cancellationToken)
            {
                await WriteBufferAsync(cancellationToken);
                await body.FlushAsync(cancellationToken);
            }

            public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
