using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>
    /// The runbook's decision tree and severity rules (DESIGN.md, "Decision tree and severity"), from check
    /// results alone: no I/O, so every branch is tested directly. Each branch taken is written into the path
    /// with the evidence that decided it.
    /// </summary>
    public static class TriageDecision
    {
        public static TriageVerdict Decide(IReadOnlyList<TriageCheck> checks, TriageThresholds thresholds)
        {
            var signals = new TriageSignals(checks);
            var path = new List<string>();
            var errorsNow = ErrorsNow(signals, thresholds);
            TriageCategory category;
            RemediationAction action;
            string? dominant = null;

            if (errorsNow.Count > 0)
            {
                path.Add("PostHog errors now? yes: " + string.Join("; ", errorsNow) + ".");
                if (signals.Status is { IsAffected: true } status)
                {
                    path.Add($"Does PostHog's status page show an incident or maintenance on {Describe(status.Region)}? yes: {status.Summary}.");
                    category = TriageCategory.PostHogOutage;
                    action = RemediationAction.EnableFallback;
                    dominant = signals.DominantError().Status;
                }
                else
                {
                    path.Add(signals.Status != null
                        ? $"Does PostHog's status page show an incident or maintenance on {Describe(signals.Status.Region)}? no: {signals.Status.Summary}."
                        : $"Does PostHog's status page show an incident? unknown: the status page check is {StatusOf(checks, TriageCheckName.StatusPage)}{ReasonOf(checks, TriageCheckName.StatusPage)}; deciding by the errors alone.");
                    var (errorClass, source) = signals.DominantError();
                    dominant = errorClass;
                    (category, action) = Classify(errorClass);
                    path.Add(errorClass == null
                        ? "Dominant error: none that names a status class (only /health's view of PostHog); escalate."
                        : $"Dominant error: {errorClass} (from {source}) -> {category}.");
                }
            }
            else
            {
                path.Add($"PostHog errors now? no: the probe, /health, the metrics and {TimeWindow.PhraseOf(signals.Logs?.RecentWindow ?? signals.Rate?.RecentWindow ?? "1m")} of logs show none.");
                var unhealthy = Unhealthy(signals);
                if (unhealthy.Count > 0)
                {
                    path.Add("Is our service healthy? no: " + string.Join("; ", unhealthy) + ".");
                    category = TriageCategory.InternalInfrastructure;
                    action = signals.Workload != null ? RemediationAction.RestartIntegration : RemediationAction.Escalate;
                    if (action == RemediationAction.Escalate)
                    {
                        path.Add("The workload cannot be read, so a restart cannot be applied or verified: escalate.");
                    }
                }
                else
                {
                    path.Add("Is our service healthy? yes: " + HealthyBecause(signals) + ".");
                    var earlier = ErrorsEarlier(signals);
                    if (earlier != null)
                    {
                        path.Add($"Errors earlier in the window? yes: {earlier}.");
                        category = TriageCategory.Intermittent;
                        action = RemediationAction.Monitor;
                        dominant = signals.DominantError().Status;
                    }
                    else if (signals.AnyUnavailable)
                    {
                        var gaps = checks.Where(c => c.Status == CheckStatus.Unavailable).Select(c => $"{c.Name} ({c.Error ?? c.Summary})");
                        path.Add("A check Unavailable? yes: " + string.Join("; ", gaps) + ".");
                        category = TriageCategory.MonitoringGap;
                        action = RemediationAction.None;
                    }
                    else
                    {
                        path.Add("Errors earlier in the window? no. Every check that ran passed.");
                        category = TriageCategory.Healthy;
                        action = RemediationAction.None;
                    }
                }
            }

            var (severity, because) = Severity(category, signals, thresholds, errorsNow.Count > 0);
            path.Add($"Severity {severity}: {because}.");
            var ratio = signals.TrafficErrorRatio;
            var summary = category == TriageCategory.Healthy
                ? "Healthy: no PostHog errors, our service is healthy."
                : $"{category} ({severity}): {because}. Next: {action}.";
            return new TriageVerdict(category, severity, action, path, dominant, ratio, summary);
        }

        static List<string> ErrorsNow(TriageSignals signals, TriageThresholds thresholds)
        {
            var reasons = new List<string>();
            if (signals.ProbeFails)
            {
                var probe = signals.Probe!;
                var code = probe.HttpStatus is { } http ? $"HTTP {http} " : string.Empty;
                reasons.Add($"the live probe of {probe.Host} got {code}{probe.Outcome}{(probe.Detail != null ? $" ({probe.Detail})" : string.Empty)}");
            }

            if (signals.HealthSaysPostHogBad)
            {
                reasons.Add($"/health reports the posthog service {signals.Health!.PostHogService}");
            }

            if (signals.Rate is { } rate && rate.ErrorsPerSecondNow > 0)
            {
                if (rate.ErrorRatio is { } ratio)
                {
                    if (ratio >= thresholds.NoiseFloor)
                    {
                        reasons.Add($"the metrics show {Percent(ratio)} of requests failing over {rate.Window} (noise floor {Percent(thresholds.NoiseFloor)}), {rate.ErrorsPerSecondNow.ToString("0.##", CultureInfo.InvariantCulture)}/s now");
                    }
                }
                else
                {
                    reasons.Add($"the metrics show {rate.ErrorsPerSecondNow.ToString("0.##", CultureInfo.InvariantCulture)} errors/s now (no request metric for a ratio)");
                }
            }

            if (signals.LogErrorsLastMinute > 0)
            {
                reasons.Add($"{signals.LogErrorsLastMinute} PostHog error lines in {TimeWindow.PhraseOf(signals.Logs!.RecentWindow)} of logs ({Counts(signals.Logs!.LastMinuteCountsByStatus)})");
            }

            return reasons;
        }

        static List<string> Unhealthy(TriageSignals signals)
        {
            var reasons = new List<string>();
            if (!signals.AppUp)
            {
                reasons.Add($"/health answers HTTP {signals.Health!.HttpStatus} with status {signals.Health.Status ?? "(none)"}");
            }

            if (signals.Workload is { } workload)
            {
                if (signals.NoAvailableReplica)
                {
                    reasons.Add($"no available replica of {workload.Deployment} (0/{workload.DesiredReplicas})");
                }
                else if (signals.SomeReplicasMissing)
                {
                    reasons.Add($"{workload.AvailableReplicas}/{workload.DesiredReplicas} replicas available");
                }

                var failing = workload.Pods.Where(p => p.Reason != null).Select(p => $"{p.Name} {p.Reason} ({p.Restarts} restarts)").ToList();
                if (signals.FailingPods > 0)
                {
                    reasons.Add("pods failing: " + string.Join(", ", failing));
                }
            }

            return reasons;
        }

        static string HealthyBecause(TriageSignals signals)
        {
            var parts = new List<string>();
            parts.Add(signals.Health != null ? $"/health {signals.Health.Status ?? "answers"}" : "/health not checked");
            parts.Add(signals.Workload is { } w ? $"{w.AvailableReplicas}/{w.DesiredReplicas} replicas available, no crash loops" : "workload not checked");
            return string.Join(", ", parts);
        }

        static string? ErrorsEarlier(TriageSignals signals)
        {
            if (signals.Rate is { } rate && (rate.ErrorsInWindow > 0 || rate.ErrorsPerSecond > 0))
            {
                var ratio = rate.ErrorRatio is { } r ? $", {Percent(r)} of requests" : string.Empty;
                return $"the metrics count {rate.ErrorsInWindow.ToString("0", CultureInfo.InvariantCulture)} errors over {rate.Window}{ratio} ({Counts(rate.ErrorsPerSecondByStatus)}), none or under the noise floor now";
            }

            if (signals.LogErrorsInWindow > 0)
            {
                return $"{signals.LogErrorsInWindow} PostHog error lines in the logs over {signals.Logs!.SinceSeconds / 60} min, none in {TimeWindow.PhraseOf(signals.Logs.RecentWindow)}";
            }

            return null;
        }

        static (TriageCategory, RemediationAction) Classify(string? status)
        {
            if (status == null)
            {
                return (TriageCategory.Unknown, RemediationAction.Escalate);
            }

            if (status is "401" or "403")
            {
                return (TriageCategory.Authentication, RemediationAction.RotateApiKey);
            }

            if (status == "429")
            {
                return (TriageCategory.RateLimited, RemediationAction.QueueRequests);
            }

            var isServerSide = (status.Length == 3 && status[0] == '5') || status is "timeout" or "unreachable" or "connection" or "5xx";
            return isServerSide
                ? (TriageCategory.PostHogServerErrors, RemediationAction.EnableFallback)
                : (TriageCategory.Unknown, RemediationAction.Escalate);
        }

        static (IncidentSeverity Severity, string Because) Severity(TriageCategory category, TriageSignals signals, TriageThresholds thresholds, bool errorsNow)
        {
            switch (category)
            {
                case TriageCategory.Healthy:
                    return (IncidentSeverity.None, "no user impact and nothing to watch");
                case TriageCategory.MonitoringGap:
                    return (IncidentSeverity.P4, "no user impact, but a check could not see");
                case TriageCategory.Intermittent:
                    return (IncidentSeverity.P3, "recovered or sub-threshold intermittent errors");
            }

            var rules = new List<(IncidentSeverity Severity, string Because)>();
            var ratio = signals.TrafficErrorRatio;
            var ratioSource = signals.Rate?.ErrorRatio != null ? "the metrics" : "the logs";
            // The ratio measures errors that are happening; a recovered window does not make an outage worse.
            if (ratio is { } r && errorsNow)
            {
                if (r >= thresholds.OutageRatio)
                {
                    rules.Add((IncidentSeverity.P1, $"{Percent(r)} of the integration's requests fail ({ratioSource}; outage at {Percent(thresholds.OutageRatio)})"));
                }
                else if (r >= thresholds.DegradedRatio)
                {
                    rules.Add((IncidentSeverity.P2, $"{Percent(r)} of the integration's requests fail ({ratioSource}; degraded at {Percent(thresholds.DegradedRatio)})"));
                }
                else if (errorsNow)
                {
                    rules.Add((IncidentSeverity.P3, $"{Percent(r)} of the integration's requests fail ({ratioSource}; under {Percent(thresholds.DegradedRatio)})"));
                }
            }
            else if (errorsNow)
            {
                rules.Add((IncidentSeverity.P2, "how much traffic fails cannot be measured (no metrics, no logs): treated as degraded"));
            }

            if (signals.Probe?.Outcome == ApiProbeOutcome.KeyRejected)
            {
                rules.Add((IncidentSeverity.P1, "the project key is rejected by /flags"));
            }

            if (signals.ProbeUnreachable && EveryPodSeesUnreachable(signals))
            {
                rules.Add((IncidentSeverity.P1, "PostHog is unreachable from the probe and from every pod"));
            }

            if (signals.Status is { IsAffected: true } status)
            {
                if (status.State == ServiceState.FullOutage)
                {
                    rules.Add((IncidentSeverity.P1, $"PostHog declares a full outage on {Describe(status.Region)}"));
                }
                else
                {
                    rules.Add((IncidentSeverity.P2, $"PostHog declares {Describe(status.State)} on {Describe(status.Region)}"));
                }
            }

            if (category == TriageCategory.RateLimited && TrafficSees429(signals))
            {
                rules.Add((IncidentSeverity.P2, "sustained 429s from PostHog"));
            }

            if (signals.NoAvailableReplica)
            {
                rules.Add((IncidentSeverity.P1, $"no available replica of {signals.Workload!.Deployment}"));
            }
            else if (signals.FailingPods > 0 || signals.SomeReplicasMissing)
            {
                rules.Add((IncidentSeverity.P2, $"some pods failing ({signals.Workload!.AvailableReplicas}/{signals.Workload.DesiredReplicas} available)"));
            }

            if (category == TriageCategory.InternalInfrastructure && !signals.AppUp)
            {
                rules.Add((IncidentSeverity.P2, "our service's /health is down"));
            }

            if (rules.Count == 0)
            {
                return (IncidentSeverity.P3, "errors with no measure of their reach");
            }

            var worst = rules.Max(rule => rule.Severity);
            return (worst, string.Join("; ", rules.Where(rule => rule.Severity == worst).Select(rule => rule.Because)));
        }

        // Unreachable "from every probe and pod": the pods' own traffic (metrics or logs) must fail the same way;
        // the probe alone is one sample and says nothing of the pods.
        static bool EveryPodSeesUnreachable(TriageSignals signals)
        {
            var (status, source) = signals.DominantError();
            return source != "the live probe" && status is "timeout" or "unreachable" or "connection";
        }

        // "Sustained" 429s are the integration's own traffic being throttled, not one probe answer.
        static bool TrafficSees429(TriageSignals signals)
            => (signals.Rate?.ErrorsPerSecondByStatus.TryGetValue("429", out var perSecond) == true && perSecond > 0)
               || (signals.Logs?.CountsByStatus.TryGetValue("429", out var lines) == true && lines > 0);

        static string Describe(PostHogRegion region) => Status.StatusStates.Describe(region);

        static string Describe(ServiceState state) => state switch
        {
            ServiceState.UnderMaintenance => "a maintenance",
            ServiceState.DegradedPerformance => "degraded performance",
            ServiceState.PartialOutage => "a partial outage",
            ServiceState.FullOutage => "a full outage",
            _ => "an incident",
        };

        static string StatusOf(IReadOnlyList<TriageCheck> checks, TriageCheckName name)
            => checks.FirstOrDefault(c => c.Name == name)?.Status.ToString() ?? "missing";

        static string ReasonOf(IReadOnlyList<TriageCheck> checks, TriageCheckName name)
            => checks.FirstOrDefault(c => c.Name == name)?.Error is { } error ? $" ({error})" : string.Empty;

        // Two decimals so that a value just under a threshold never prints as the threshold itself.
        internal static string Percent(double ratio) => (ratio * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

        static string Counts<T>(IReadOnlyDictionary<string, T> counts)
            where T : IFormattable
            => string.Join(", ", counts.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value.ToString("0.##", CultureInfo.InvariantCulture)}"));
    }
}
