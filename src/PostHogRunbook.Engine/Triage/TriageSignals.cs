using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>The facts the decision tree reads, pulled once out of the checks' evidence.</summary>
    internal sealed class TriageSignals
    {
        static readonly string[] BadServiceStates = { "degraded", "down", "error", "failing", "unhealthy" };
        static readonly string[] FailingPodReasons = { "CrashLoopBackOff", "OOMKilled", "Error", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError" };

        public TriageSignals(IReadOnlyList<TriageCheck> checks)
        {
            Checks = checks;
            Status = Evidence<PostHogStatus>(checks, TriageCheckName.StatusPage);
            Probe = Evidence<ApiProbeEvidence>(checks, TriageCheckName.PostHogApi);
            Health = Evidence<AppHealthEvidence>(checks, TriageCheckName.AppHealth);
            Rate = Evidence<ErrorRateEvidence>(checks, TriageCheckName.ErrorRate);
            Workload = Evidence<WorkloadEvidence>(checks, TriageCheckName.Workload);
            Logs = Evidence<ErrorLogEvidence>(checks, TriageCheckName.ErrorLogs);
        }

        public IReadOnlyList<TriageCheck> Checks { get; }

        public PostHogStatus? Status { get; }

        public ApiProbeEvidence? Probe { get; }

        public AppHealthEvidence? Health { get; }

        public ErrorRateEvidence? Rate { get; }

        public WorkloadEvidence? Workload { get; }

        public ErrorLogEvidence? Logs { get; }

        public bool ProbeFails => Probe != null && Probe.Outcome != ApiProbeOutcome.Ok;

        public bool ProbeUnreachable => Probe?.Outcome is ApiProbeOutcome.Unreachable or ApiProbeOutcome.TimedOut;

        /// <summary>Our app answers /health (a 5xx or status down means our service itself is down).</summary>
        public bool AppUp => Health == null || (Health.HttpStatus < 500 && !IsBad(Health.Status, onlyDown: true));

        public bool HealthSaysPostHogBad => Health != null && AppUp && IsBad(Health.PostHogService, onlyDown: false);

        public int LogErrorsLastMinute => Logs?.LastMinuteCountsByStatus.Values.Sum() ?? 0;

        public int LogErrorsInWindow => Logs?.CountsByStatus.Values.Sum() ?? 0;

        /// <summary>The metrics' ratio, else the logs' share of error lines: the integration's own traffic.</summary>
        public double? TrafficErrorRatio
        {
            get
            {
                if (Rate?.ErrorRatio is { } ratio)
                {
                    return ratio;
                }

                return Logs is { LinesRead: > 0 } logs ? (double)LogErrorsInWindow / logs.LinesRead : null;
            }
        }

        public bool AnyUnavailable => Checks.Any(c => c.Status == CheckStatus.Unavailable);

        /// <summary>The check ran and saw something (Pass, Warn or Fail with its evidence).</summary>
        public bool Ran(TriageCheckName name) => Checks.Any(c => c.Name == name && c.Evidence != null && c.Status is CheckStatus.Pass or CheckStatus.Warn or CheckStatus.Fail);

        public int FailingPods => Workload?.Pods.Count(p => p.Reason != null && FailingPodReasons.Contains(p.Reason, StringComparer.OrdinalIgnoreCase)) ?? 0;

        public bool NoAvailableReplica => Workload is { DesiredReplicas: > 0, AvailableReplicas: 0 };

        public bool SomeReplicasMissing => Workload != null && Workload.AvailableReplicas < Workload.DesiredReplicas;

        /// <summary>The status class with the most errors: the metrics', else the logs', else the probe's.</summary>
        public (string? Status, string Source) DominantError()
        {
            var fromMetrics = Largest(Rate?.ErrorsPerSecondByStatus);
            if (fromMetrics != null)
            {
                return (fromMetrics, "the metrics");
            }

            var fromLogs = Largest(Logs?.CountsByStatus.ToDictionary(e => e.Key, e => (double)e.Value));
            if (fromLogs != null)
            {
                return (fromLogs, "the logs");
            }

            return (ProbeStatus(), "the live probe");
        }

        public string? ProbeStatus() => Probe?.Outcome switch
        {
            ApiProbeOutcome.KeyRejected or ApiProbeOutcome.KeyMalformed => "401",
            ApiProbeOutcome.Forbidden => "403",
            ApiProbeOutcome.RateLimited => "429",
            ApiProbeOutcome.ServerError => Probe.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? "503",
            ApiProbeOutcome.TimedOut => "timeout",
            ApiProbeOutcome.Unreachable => "unreachable",
            ApiProbeOutcome.UnexpectedResponse => Probe.HttpStatus?.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };

        static string? Largest(IReadOnlyDictionary<string, double>? counts)
            => counts?.Where(e => e.Value > 0).OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key).FirstOrDefault();

        static bool IsBad(string? state, bool onlyDown)
            => state != null && (onlyDown ? string.Equals(state, "down", StringComparison.OrdinalIgnoreCase) : BadServiceStates.Contains(state, StringComparer.OrdinalIgnoreCase));

        static T? Evidence<T>(IReadOnlyList<TriageCheck> checks, TriageCheckName name)
            where T : class
            => checks.FirstOrDefault(c => c.Name == name && c.Status is CheckStatus.Pass or CheckStatus.Warn or CheckStatus.Fail)?.Evidence as T;
    }
}
