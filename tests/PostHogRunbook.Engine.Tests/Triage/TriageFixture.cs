using PostHogRunbook.Engine.Triage;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Tests.Triage
{
    /// <summary>
    /// Six triage checks that start as a healthy baseline (status page operational in US Cloud, /flags answers 200,
    /// /health ok, Prometheus 0% errors over 5m on 100 req/s, 3/3 replicas, 6000 log lines without a PostHog error);
    /// each test replaces the one check it is about and calls <see cref="Decide"/>.
    /// </summary>
    internal sealed class TriageFixture
    {
        public const string Host = "https://us.i.posthog.com";
        public const string HealthUrl = "http://posthog-integration.default.svc/health";
        public const string PrometheusUrl = "http://localhost:9090";
        public const string Deployment = "posthog-integration";

        readonly Dictionary<TriageCheckName, TriageCheck> checks = new()
        {
            [TriageCheckName.StatusPage] = Ran(TriageCheckName.StatusPage, Operational()),
            [TriageCheckName.PostHogApi] = Ran(TriageCheckName.PostHogApi, Probe(ApiProbeOutcome.Ok, 200)),
            [TriageCheckName.AppHealth] = Ran(TriageCheckName.AppHealth, Health(200, "ok", "ok")),
            [TriageCheckName.ErrorRate] = Ran(TriageCheckName.ErrorRate, NoErrorsInMetrics()),
            [TriageCheckName.Workload] = Ran(TriageCheckName.Workload, Workload(3, 3)),
            [TriageCheckName.ErrorLogs] = Ran(TriageCheckName.ErrorLogs, NoErrorsInLogs()),
        };

        public static TriageFixture Healthy() => new();

        public IReadOnlyList<TriageCheck> Checks => checks.Values.OrderBy(c => c.Name).ToList();

        public TriageVerdict Decide(TriageThresholds? thresholds = null) => TriageDecision.Decide(Checks, thresholds ?? TriageThresholds.Default);

        // ---- replacing one check

        public TriageFixture With(PostHogStatus status) => Set(Ran(TriageCheckName.StatusPage, status));

        public TriageFixture With(ApiProbeEvidence probe) => Set(Ran(TriageCheckName.PostHogApi, probe));

        public TriageFixture With(AppHealthEvidence health) => Set(Ran(TriageCheckName.AppHealth, health));

        public TriageFixture With(ErrorRateEvidence rate) => Set(Ran(TriageCheckName.ErrorRate, rate));

        public TriageFixture With(WorkloadEvidence workload) => Set(Ran(TriageCheckName.Workload, workload));

        public TriageFixture With(ErrorLogEvidence logs) => Set(Ran(TriageCheckName.ErrorLogs, logs));

        /// <summary>The check could not run: its dependency failed, no evidence, the reason kept.</summary>
        public TriageFixture Unavailable(TriageCheckName name, string error, string errorId = "DependencyFailed")
            => Set(new TriageCheck(name, CheckStatus.Unavailable, $"{name} unavailable", TimeSpan.FromMilliseconds(30), null, error, errorId));

        /// <summary>The check is not configured.</summary>
        public TriageFixture Skipped(TriageCheckName name)
            => Set(new TriageCheck(name, CheckStatus.Skipped, $"{name} not configured", TimeSpan.Zero, null, null, null));

        /// <summary>The check did not run, either way: Unavailable (with a reason) or Skipped.</summary>
        public TriageFixture Without(TriageCheckName name, CheckStatus status)
            => status switch
            {
                CheckStatus.Unavailable => Unavailable(name, $"{name}: connection refused"),
                CheckStatus.Skipped => Skipped(name),
                _ => throw new ArgumentOutOfRangeException(nameof(status), status, "a check that did not run is Unavailable or Skipped"),
            };

        TriageFixture Set(TriageCheck check)
        {
            checks[check.Name] = check;
            return this;
        }

        /// <summary>A check that ran; Pass/Warn/Fail only tells a human, the decision reads the evidence.</summary>
        static TriageCheck Ran(TriageCheckName name, TriageEvidence evidence)
            => new(name, CheckStatus.Pass, $"{name} ran", TimeSpan.FromMilliseconds(40), evidence, null, null);

        // ---- evidence

        public static PostHogStatus Operational(PostHogRegion region = PostHogRegion.US)
            => Status(ServiceState.Operational, isAffected: false, "All systems operational", region);

        public static PostHogStatus Status(ServiceState state, bool isAffected, string summary, PostHogRegion region = PostHogRegion.US)
            => new(
                region,
                state,
                isAffected,
                summary,
                Array.Empty<PostHogComponentStatus>(),
                Array.Empty<PostHogStatusIncident>(),
                Array.Empty<PostHogMaintenance>(),
                Array.Empty<PostHogMaintenance>(),
                StatusPageProvider.IncidentIo,
                "https://www.posthogstatus.com/api/v1/summary",
                new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

        public static ApiProbeEvidence Probe(ApiProbeOutcome outcome, int? httpStatus, string? detail = null)
            => new(Host, outcome, httpStatus, outcome == ApiProbeOutcome.RateLimited ? 30 : null, 85, ApiKeySource.DeploymentSecret, "phc_…Ab12", detail, null);

        public static AppHealthEvidence Health(int httpStatus, string? status, string? postHogService)
            => new(HealthUrl, httpStatus, status, postHogService, postHogService == null
                ? new Dictionary<string, string>()
                : new Dictionary<string, string> { ["posthog"] = postHogService });

        public static ErrorRateEvidence NoErrorsInMetrics() => Metrics(0, 0, 0, new Dictionary<string, double>());

        /// <summary>
        /// Prometheus over 5m on 100 req/s. <paramref name="byStatus"/> is rate(errors[5m]) by status; the ratio is
        /// given, not computed, so a test can put it exactly on a threshold.
        /// </summary>
        public static ErrorRateEvidence Metrics(double? ratio, double errorsPerSecondNow, double errorsInWindow, IReadOnlyDictionary<string, double> byStatus)
        {
            var errorsPerSecond = byStatus.Values.Sum();
            var dominant = byStatus.Where(e => e.Value > 0).OrderByDescending(e => e.Value).Select(e => e.Key).FirstOrDefault();
            return new ErrorRateEvidence(
                PrometheusUrl,
                "5m",
                byStatus,
                errorsPerSecond,
                ratio == null ? null : 100,
                ratio,
                errorsPerSecondNow,
                errorsInWindow,
                dominant,
                new[] { "sum by (status) (rate(posthog_errors_total[5m]))" });
        }

        /// <summary>Errors happening now in one status class at <paramref name="ratio"/> of 100 req/s.</summary>
        public static ErrorRateEvidence MetricsNow(string status, double ratio)
            => Metrics(ratio, ratio * 100, ratio * 100 * 300, new Dictionary<string, double> { [status] = ratio * 100 });

        public static WorkloadEvidence Workload(int desired, int available, params PodSummary[] pods)
        {
            var all = pods.Length > 0
                ? pods
                : Enumerable.Range(0, available).Select(i => Pod($"{Deployment}-7d9f-{i}", null)).ToArray();
            return new WorkloadEvidence(
                "lab",
                "default",
                Deployment,
                desired,
                available,
                desired,
                all,
                all.Where(p => p.Reason != null).Select(p => $"BackOff: {p.Name} {p.Reason} (x{p.Restarts})").ToList(),
                new Dictionary<string, string> { ["POSTHOG_HOST"] = Host });
        }

        public static PodSummary Pod(string name, string? reason, int restarts = 0)
            => new(name, "Running", reason == null, restarts, reason, new DateTimeOffset(2025, 6, 1, 11, 0, 0, TimeSpan.Zero));

        public static ErrorLogEvidence NoErrorsInLogs() => Logs(6000, new Dictionary<string, int>(), new Dictionary<string, int>());

        public static ErrorLogEvidence Logs(long linesRead, IReadOnlyDictionary<string, int> inWindow, IReadOnlyDictionary<string, int> lastMinute)
            => new(
                3,
                300,
                linesRead,
                inWindow,
                lastMinute,
                inWindow.Keys.Select(k => $"posthog request failed: HTTP {k}").ToList(),
                Array.Empty<string>());

        /// <summary>Log error lines in one status class, all of them also in the last minute.</summary>
        public static ErrorLogEvidence LogsNow(string status, int errorLines, long linesRead = 6000)
            => Logs(linesRead, new Dictionary<string, int> { [status] = errorLines }, new Dictionary<string, int> { [status] = errorLines });

        public static Dictionary<string, double> Rates(params (string Status, double PerSecond)[] rates)
            => rates.ToDictionary(r => r.Status, r => r.PerSecond);
    }
}
