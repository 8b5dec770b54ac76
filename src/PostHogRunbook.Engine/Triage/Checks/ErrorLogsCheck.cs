using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using k8s.Models;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage.Checks
{
    /// <summary>
    /// The runbook's `kubectl logs -l app=... --since=5m | grep -i error`, counted by the HTTP status PostHog
    /// returned, with a few redacted samples, and how many of them fall in the recent window (RecentWindow, default
    /// the last minute: errors now). Logs are read as streams, line by line, pods in parallel.
    /// </summary>
    internal sealed partial class ErrorLogsCheck : ITriageCheck
    {
        public const int SinceSeconds = 300;
        const int MaxSamples = 5;
        const int MaxParallelPods = 4;

        const int RegexTimeoutMs = 1000;

        // Source-generated (compiled with the engine, ReadyToRun in the package), not RegexOptions.Compiled: no
        // Reflection.Emit and JIT of four matchers on the first triage of every process.
        static readonly Regex ErrorWord = ErrorWordPattern();
        static readonly Regex StatusField = StatusFieldPattern();
        static readonly Regex BareStatus = BareStatusPattern();
        static readonly Regex TimeoutWords = TimeoutWordsPattern();

        [GeneratedRegex(@"\berror\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeoutMs)]
        private static partial Regex ErrorWordPattern();

        [GeneratedRegex(@"\bstatus[=:]\s*""?(\d{3}|timeout)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeoutMs)]
        private static partial Regex StatusFieldPattern();

        [GeneratedRegex(@"\b([45]\d\d)\b", RegexOptions.CultureInvariant, RegexTimeoutMs)]
        private static partial Regex BareStatusPattern();

        [GeneratedRegex(@"time(?:d)?\s?out|deadline exceeded", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeoutMs)]
        private static partial Regex TimeoutWordsPattern();

        public TriageCheckName Name => TriageCheckName.ErrorLogs;

        // The pod list, then the logs.
        public int SequentialCalls => 2;

        public bool UsesKubernetes => true;

        public async Task<CheckOutcome> RunAsync(TriageContext context, CancellationToken cancellationToken)
        {
            if (!context.HasKubernetes)
            {
                return CheckOutcome.Skipped("no kubeconfig: pass -KubeConfig or set KUBECONFIG");
            }

            var recent = context.Profile.GetWindow(RunbookSetting.RecentWindow);
            var gateway = await context.GatewayAsync().ConfigureAwait(false);
            var pods = await context.PodsAsync().ConfigureAwait(false);
            if (pods.Count == 0)
            {
                // No log to read is not "no errors": nothing was seen.
                throw WorkloadCheck.SelectorMatchesNoPods(context, gateway, "the runbook reads the integration's logs through it");
            }

            var tally = new LogTally(context.Time.GetUtcNow() - recent.Duration, recent.Text);
            var podErrors = new ConcurrentBag<(string Pod, RunbookException Error)>();
            using var throttle = new SemaphoreSlim(MaxParallelPods);
            var reads = pods.Select(async pod =>
            {
                await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await ReadPodAsync(context, gateway, pod, tally, cancellationToken).ConfigureAwait(false);
                }
                catch (RunbookException ex)
                {
                    podErrors.Add((pod.Metadata.Name, ex));
                }
                finally
                {
                    throttle.Release();
                }
            });
            await Task.WhenAll(reads).ConfigureAwait(false);

            if (podErrors.Count == pods.Count)
            {
                throw podErrors.First().Error;
            }

            var evidence = tally.ToEvidence(pods.Count - podErrors.Count, context, podErrors.Select(e => $"{e.Pod}: {e.Error.ErrorId}: {context.Redactor.Redact(e.Error.Message)}").ToList());
            var counts = string.Join(", ", evidence.CountsByStatus.OrderByDescending(e => e.Value).Select(e => $"{e.Key}: {e.Value}"));
            var total = evidence.CountsByStatus.Values.Sum();
            var lastMinute = evidence.LastMinuteCountsByStatus.Values.Sum();
            var line = $"{total} PostHog error lines in {evidence.PodsRead} pods over {SinceSeconds / 60} min{(total > 0 ? $" ({counts}), {lastMinute} in {recent.Phrase}" : string.Empty)}";
            if (!podErrors.IsEmpty)
            {
                line += $"; {podErrors.Count} pods unreadable";
            }

            if (lastMinute > 0)
            {
                return new CheckOutcome(CheckStatus.Fail, line + ".", evidence);
            }

            return total > 0 || !podErrors.IsEmpty ? new CheckOutcome(CheckStatus.Warn, line + ".", evidence) : new CheckOutcome(CheckStatus.Pass, line + ".", evidence);
        }

        static async Task ReadPodAsync(TriageContext context, Kubernetes.IKubernetesGateway gateway, V1Pod pod, LogTally tally, CancellationToken cancellationToken)
        {
            var container = pod.Metadata.Annotations != null && pod.Metadata.Annotations.TryGetValue("kubectl.kubernetes.io/default-container", out var annotated)
                ? annotated
                : pod.Spec?.Containers?.FirstOrDefault()?.Name;
            using var bounded = context.Bounded(cancellationToken);
            using var stream = await gateway.OpenPodLogAsync(pod.Metadata.Name, container, SinceSeconds, timestamps: true, previous: false, bounded.Token).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(bounded.Token).ConfigureAwait(false) is { } line)
            {
                tally.Add(line, context);
            }
        }

        /// <summary>Thread-safe counts across the pods being read in parallel.</summary>
        sealed class LogTally
        {
            readonly DateTimeOffset lastMinuteFrom;
            readonly string recentWindow;
            readonly ConcurrentDictionary<string, int> window = new(StringComparer.Ordinal);
            readonly ConcurrentDictionary<string, int> lastMinute = new(StringComparer.Ordinal);
            readonly ConcurrentQueue<string> samples = new();
            long lines;

            public LogTally(DateTimeOffset lastMinuteFrom, string recentWindow)
            {
                this.lastMinuteFrom = lastMinuteFrom;
                this.recentWindow = recentWindow;
            }

            public void Add(string line, TriageContext context)
            {
                Interlocked.Increment(ref lines);
                var (at, text) = SplitTimestamp(line);
                if (!ErrorWord.IsMatch(text) || text.IndexOf("posthog", StringComparison.OrdinalIgnoreCase) < 0)
                {
                    return;
                }

                var status = StatusOf(text);
                window.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (at is { } time && time >= lastMinuteFrom)
                {
                    lastMinute.AddOrUpdate(status, 1, (_, n) => n + 1);
                }

                if (samples.Count < MaxSamples)
                {
                    samples.Enqueue(context.Redactor.Redact(text.Length > 300 ? text[..300] + "…" : text));
                }
            }

            public ErrorLogEvidence ToEvidence(int podsRead, TriageContext context, IReadOnlyList<string> podErrors)
                => new(podsRead, SinceSeconds, Interlocked.Read(ref lines), new Dictionary<string, int>(window), new Dictionary<string, int>(lastMinute), samples.Take(MaxSamples).ToList(), podErrors, recentWindow);

            static (DateTimeOffset? At, string Text) SplitTimestamp(string line)
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0 && DateTimeOffset.TryParse(line.AsSpan(0, space), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    return (at, line[(space + 1)..]);
                }

                return (null, line);
            }

            static string StatusOf(string text)
            {
                var field = StatusField.Match(text);
                if (field.Success)
                {
                    return field.Groups[1].Value.ToLowerInvariant();
                }

                if (TimeoutWords.IsMatch(text))
                {
                    return "timeout";
                }

                var bare = BareStatus.Match(text);
                return bare.Success ? bare.Groups[1].Value : "other";
            }
        }
    }
}
