using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>
    /// The runbook's decision tree and severity rules (the README and about_PostHogRunbook), from check results
    /// alone: no I/O, so every branch is tested directly. Each branch taken is a DecisionStep (question, answer,
    /// the evidence that decided it); the path's sentences are rendered from the steps. Only what ran counts: a
    /// Skipped or Unavailable check is "not known", never "shows none".
    /// </summary>
    public static class TriageDecision
    {
        public static TriageVerdict Decide(IReadOnlyList<TriageCheck> checks, TriageThresholds thresholds)
        {
            var signals = new TriageSignals(checks);
            var steps = new List<DecisionStep>();
            TriageCategory category;
            RemediationAction action;
            string? dominant = null;

            var unreached = Unreached(signals);
            if (unreached != null)
            {
                steps.Add(Ask(DecisionQuestion.TriageReach, "Could the triage reach anything", DecisionAnswer.No, unreached,
                    "Nothing answered from where the triage runs: its own network (DNS, proxy, egress) is the first suspect; check it, then triage again from inside the cluster."));
                var (unknownSeverity, unknownBecause) = (IncidentSeverity.P3, "the integration's state cannot be measured from here");
                steps.Add(SeverityStep(unknownSeverity, unknownBecause));
                return new TriageVerdict(TriageCategory.Unknown, unknownSeverity, RemediationAction.Escalate, steps, null, null,
                    $"Unknown ({unknownSeverity}): the triage could reach none of its dependencies; its own network is the first suspect. Next: Escalate.");
            }

            var reachGap = ProbeReachGap(signals, thresholds);
            var errorsNow = ErrorsNow(signals, thresholds, countProbe: reachGap == null);
            var notMeasured = NotMeasured(signals);
            var errorsAnswer = errorsNow.Count > 0 ? DecisionAnswer.Yes : notMeasured.Count == ErrorSourceCount ? DecisionAnswer.Unknown : DecisionAnswer.No;

            if (errorsAnswer == DecisionAnswer.Yes)
            {
                steps.Add(Ask(DecisionQuestion.PostHogErrorsNow, "PostHog errors now", DecisionAnswer.Yes, errorsNow));
                if (signals.Status is { IsAffected: true } status)
                {
                    steps.Add(StatusStep(status));
                    category = TriageCategory.PostHogOutage;
                    action = RemediationAction.EnableFallback;
                    dominant = signals.DominantError().Status;
                }
                else
                {
                    steps.Add(signals.Status != null
                        ? Ask(DecisionQuestion.StatusPageDeclaresIncident, $"Does PostHog's status page show an incident or maintenance on {Describe(signals.Status.Region)}", DecisionAnswer.No, Facts(TriageCheckName.StatusPage, signals.Status.Summary))
                        : Ask(DecisionQuestion.StatusPageDeclaresIncident, "Does PostHog's status page show an incident", DecisionAnswer.Unknown,
                            Facts(TriageCheckName.StatusPage, $"the status page check is {StatusOf(checks, TriageCheckName.StatusPage)}{ReasonOf(checks, TriageCheckName.StatusPage)}; deciding by the errors alone")));
                    var (errorClass, source) = signals.DominantError();
                    dominant = errorClass;
                    (category, action) = Classify(errorClass);
                    steps.Add(new DecisionStep(
                        DecisionQuestion.DominantError,
                        errorClass == null ? DecisionAnswer.Unknown : DecisionAnswer.Value,
                        errorClass,
                        Facts(null, errorClass == null ? "none that names a status class (only /health's view of PostHog)" : $"{errorClass} from {source}"),
                        errorClass == null
                            ? "Dominant error: none that names a status class (only /health's view of PostHog); escalate."
                            : $"Dominant error: {errorClass} (from {source}) -> {category}."));
                }
            }
            else
            {
                steps.Add(errorsAnswer == DecisionAnswer.Unknown
                    ? Ask(DecisionQuestion.PostHogErrorsNow, "PostHog errors now", DecisionAnswer.Unknown, notMeasured)
                    : Ask(DecisionQuestion.PostHogErrorsNow, "PostHog errors now", DecisionAnswer.No, NoErrorsBecause(signals, notMeasured, reachGap)));
                var unhealthy = Unhealthy(signals);
                if (unhealthy.Count > 0)
                {
                    category = TriageCategory.InternalInfrastructure;
                    action = signals.Workload != null ? RemediationAction.RestartIntegration : RemediationAction.Escalate;
                    steps.Add(Ask(DecisionQuestion.ServiceHealthy, "Is our service healthy", DecisionAnswer.No, unhealthy,
                        action == RemediationAction.Escalate ? "The workload cannot be read, so a restart cannot be applied or verified: escalate." : null));
                }
                else
                {
                    steps.Add(Ask(DecisionQuestion.ServiceHealthy, "Is our service healthy", signals.Health == null && signals.Workload == null ? DecisionAnswer.Unknown : DecisionAnswer.Yes, HealthyBecause(signals)));
                    var earlier = ErrorsEarlier(signals);
                    if (signals.Status is { IsAffected: true } declared)
                    {
                        // PostHog says so even though our traffic shows nothing (yet): never Healthy, but no change to make on its word alone.
                        steps.Add(StatusStep(declared, errorsAnswer == DecisionAnswer.Unknown
                            ? "our own errors were not measured: run the whole triage before enabling fallback"
                            : "our own traffic shows no errors: watch it, and enable fallback if errors appear"));
                        category = TriageCategory.PostHogOutage;
                        action = RemediationAction.Monitor;
                    }
                    else if (earlier != null)
                    {
                        steps.Add(Ask(DecisionQuestion.ErrorsEarlier, "Errors earlier in the window", DecisionAnswer.Yes, new[] { earlier }));
                        category = TriageCategory.Intermittent;
                        action = RemediationAction.Monitor;
                        dominant = signals.DominantError().Status;
                    }
                    else if (signals.AnyUnavailable || reachGap != null)
                    {
                        var gaps = checks.Where(c => c.Status == CheckStatus.Unavailable).Select(c => new DecisionEvidence(c.Name, $"{c.Name} ({c.Error ?? c.Summary})")).ToList();
                        if (reachGap != null)
                        {
                            gaps.Add(reachGap);
                        }

                        steps.Add(Ask(DecisionQuestion.CheckUnavailable, "A check Unavailable", DecisionAnswer.Yes, gaps));
                        category = TriageCategory.MonitoringGap;
                        action = RemediationAction.None;
                    }
                    else
                    {
                        var skipped = checks.Where(c => c.Status == CheckStatus.Skipped).Select(c => c.Name.ToString()).ToList();
                        var answer = notMeasured.Count == ErrorSourceCount ? DecisionAnswer.Unknown : DecisionAnswer.No;
                        steps.Add(new DecisionStep(DecisionQuestion.ErrorsEarlier, answer, null, Array.Empty<DecisionEvidence>(),
                            $"Errors earlier in the window? {Word(answer)}. Every check that ran passed{(skipped.Count > 0 ? $" (not run: {string.Join(", ", skipped)})" : string.Empty)}."));
                        category = TriageCategory.Healthy;
                        action = RemediationAction.None;
                    }
                }
            }

            var (severity, because) = Severity(category, signals, thresholds, errorsAnswer == DecisionAnswer.Yes);
            steps.Add(SeverityStep(severity, because));
            var ratio = signals.TrafficErrorRatio;
            var summary = category == TriageCategory.Healthy
                ? "Healthy: no PostHog errors, our service is healthy."
                : $"{category} ({severity}): {because}. Next: {action}.";
            return new TriageVerdict(category, severity, action, steps, dominant, ratio, summary);
        }

        /// <summary>The four checks that can say "PostHog errors now": the probe, /health, the metrics, the logs.</summary>
        const int ErrorSourceCount = 4;

        static readonly TriageCheckName[] ErrorSources = { TriageCheckName.PostHogApi, TriageCheckName.AppHealth, TriageCheckName.ErrorRate, TriageCheckName.ErrorLogs };

        /// <summary>The sources of "errors now" that did not run: each is unknown, never "shows none".</summary>
        static List<DecisionEvidence> NotMeasured(TriageSignals signals)
            => ErrorSources
                .Where(name => !signals.Ran(name))
                .Select(name => new DecisionEvidence(name, $"{Source(name, signals)} not known ({name} {StatusOf(signals.Checks, name)}{ReasonOf(signals.Checks, name)})"))
                .ToList();

        static List<DecisionEvidence> NoErrorsBecause(TriageSignals signals, List<DecisionEvidence> notMeasured, DecisionEvidence? reachGap)
        {
            var clean = ErrorSources.Where(name => signals.Ran(name) && !(name == TriageCheckName.PostHogApi && reachGap != null)).Select(name => Source(name, signals)).ToList();
            var facts = new List<DecisionEvidence> { new(null, $"{JoinAnd(clean)} show{(clean.Count == 1 ? "s" : string.Empty)} none") };
            if (reachGap != null)
            {
                facts.Add(reachGap);
            }

            facts.AddRange(notMeasured);
            return facts;
        }

        /// <summary>
        /// The probe is one client on one network: when it cannot reach PostHog while the integration's own traffic
        /// (metrics or logs) is clean and /health does not complain, the gap is the triage's reach, not PostHog.
        /// </summary>
        static DecisionEvidence? ProbeReachGap(TriageSignals signals, TriageThresholds thresholds)
        {
            if (!signals.ProbeUnreachable || ErrorsNow(signals, thresholds, countProbe: false).Count > 0)
            {
                return null;
            }

            var metricsClean = signals.Rate is { RequestsPerSecond: > 0 };
            var logsClean = signals.Logs is { LinesRead: > 0 };
            if (!metricsClean && !logsClean)
            {
                return null;
            }

            var traffic = JoinAnd(new[] { metricsClean ? "the metrics" : null, logsClean ? "the logs" : null, signals.Health != null ? "/health" : null }.OfType<string>().ToList());
            return new DecisionEvidence(TriageCheckName.PostHogApi,
                $"the live probe could not reach {signals.Probe!.Host} ({signals.Probe.Outcome}), but {traffic} show the integration's own traffic reaching PostHog without errors: a gap of the triage's own reach (its network, proxy or DNS), not PostHog's");
        }

        /// <summary>Nothing answered at all: every check that ran found its dependency unreachable. Null otherwise.</summary>
        static List<DecisionEvidence>? Unreached(TriageSignals signals)
        {
            var attempted = signals.Checks.Where(c => c.Status != CheckStatus.Skipped).ToList();
            if (attempted.Count < 2 || !attempted.All(c => IsUnreachable(c, signals)))
            {
                return null;
            }

            return attempted.Select(c => new DecisionEvidence(c.Name, c.Name == TriageCheckName.PostHogApi ? $"PostHogApi: {signals.Probe!.Outcome}" : $"{c.Name}: {c.ErrorId}")).ToList();
        }

        static bool IsUnreachable(TriageCheck check, TriageSignals signals)
            => check.Name == TriageCheckName.PostHogApi && check.Evidence != null
                ? signals.ProbeUnreachable
                : check.Status == CheckStatus.Unavailable && check.ErrorId is { } id && (id.EndsWith("Unreachable", StringComparison.Ordinal) || id == "CheckTimedOut");

        static DecisionStep StatusStep(PostHogStatus status, string? remark = null)
            => Ask(DecisionQuestion.StatusPageDeclaresIncident, $"Does PostHog's status page show an incident or maintenance on {Describe(status.Region)}", DecisionAnswer.Yes,
                Facts(TriageCheckName.StatusPage, remark == null ? status.Summary : $"{status.Summary}; {remark}"));

        static DecisionStep SeverityStep(IncidentSeverity severity, string because)
            => new(DecisionQuestion.Severity, DecisionAnswer.Value, severity.ToString(), Facts(null, because), $"Severity {severity}: {because}.");

        /// <summary>A yes/no/unknown step: "Question? answer: fact; fact." and an optional remark after it.</summary>
        static DecisionStep Ask(DecisionQuestion question, string prompt, DecisionAnswer answer, IReadOnlyList<DecisionEvidence> evidence, string? remark = null)
        {
            var text = $"{prompt}? {Word(answer)}" + (evidence.Count > 0 ? ": " + string.Join("; ", evidence.Select(e => e.Fact)) : string.Empty) + ".";
            return new DecisionStep(question, answer, null, evidence, remark == null ? text : text + " " + remark);
        }

        static DecisionEvidence[] Facts(TriageCheckName? check, string fact) => new[] { new DecisionEvidence(check, fact) };

        static string Word(DecisionAnswer answer) => answer switch
        {
            DecisionAnswer.Yes => "yes",
            DecisionAnswer.No => "no",
            _ => "unknown",
        };

        static string Source(TriageCheckName name, TriageSignals signals) => name switch
        {
            TriageCheckName.PostHogApi => "the probe",
            TriageCheckName.AppHealth => "/health",
            TriageCheckName.ErrorRate => "the metrics",
            _ => $"{TimeWindow.PhraseOf(signals.Logs?.RecentWindow ?? signals.Rate?.RecentWindow ?? "1m")} of logs",
        };

        static string JoinAnd(List<string> parts)
            => parts.Count <= 1 ? string.Concat(parts) : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];

        static List<DecisionEvidence> ErrorsNow(TriageSignals signals, TriageThresholds thresholds, bool countProbe)
        {
            var reasons = new List<DecisionEvidence>();
            if (countProbe && signals.ProbeFails)
            {
                var probe = signals.Probe!;
                var code = probe.HttpStatus is { } http ? $"HTTP {http} " : string.Empty;
                reasons.Add(new(TriageCheckName.PostHogApi, $"the live probe of {probe.Host} got {code}{probe.Outcome}{(probe.Detail != null ? $" ({probe.Detail})" : string.Empty)}"));
            }

            if (signals.HealthSaysPostHogBad)
            {
                reasons.Add(new(TriageCheckName.AppHealth, $"/health reports the posthog service {signals.Health!.PostHogService}"));
            }

            if (signals.Rate is { } rate && rate.ErrorsPerSecondNow > 0)
            {
                if (rate.ErrorRatio is { } ratio)
                {
                    if (ratio >= thresholds.NoiseFloor)
                    {
                        reasons.Add(new(TriageCheckName.ErrorRate, $"the metrics show {Percent(ratio)} of requests failing over {rate.Window} (noise floor {Percent(thresholds.NoiseFloor)}), {rate.ErrorsPerSecondNow.ToString("0.##", CultureInfo.InvariantCulture)}/s now"));
                    }
                }
                else
                {
                    reasons.Add(new(TriageCheckName.ErrorRate, $"the metrics show {rate.ErrorsPerSecondNow.ToString("0.##", CultureInfo.InvariantCulture)} errors/s now (no request metric for a ratio)"));
                }
            }

            if (signals.LogErrorsLastMinute > 0)
            {
                reasons.Add(new(TriageCheckName.ErrorLogs, $"{signals.LogErrorsLastMinute} PostHog error lines in {TimeWindow.PhraseOf(signals.Logs!.RecentWindow)} of logs ({Counts(signals.Logs!.LastMinuteCountsByStatus)})"));
            }

            return reasons;
        }

        static List<DecisionEvidence> Unhealthy(TriageSignals signals)
        {
            var reasons = new List<DecisionEvidence>();
            if (!signals.AppUp)
            {
                reasons.Add(new(TriageCheckName.AppHealth, $"/health answers HTTP {signals.Health!.HttpStatus} with status {signals.Health.Status ?? "(none)"}"));
            }

            if (signals.Workload is { } workload)
            {
                if (signals.NoAvailableReplica)
                {
                    reasons.Add(new(TriageCheckName.Workload, $"no available replica of {workload.Deployment} (0/{workload.DesiredReplicas})"));
                }
                else if (signals.SomeReplicasMissing)
                {
                    reasons.Add(new(TriageCheckName.Workload, $"{workload.AvailableReplicas}/{workload.DesiredReplicas} replicas available"));
                }

                var failing = workload.Pods.Where(p => p.Reason != null).Select(p => $"{p.Name} {p.Reason} ({p.Restarts} restarts)").ToList();
                if (signals.FailingPods > 0)
                {
                    reasons.Add(new(TriageCheckName.Workload, "pods failing: " + string.Join(", ", failing)));
                }
            }

            return reasons;
        }

        static List<DecisionEvidence> HealthyBecause(TriageSignals signals)
        {
            return new List<DecisionEvidence>
            {
                new(TriageCheckName.AppHealth, signals.Health != null ? $"/health {signals.Health.Status ?? "answers"}" : $"/health not known ({StatusOf(signals.Checks, TriageCheckName.AppHealth)})"),
                new(TriageCheckName.Workload, signals.Workload is { } w ? $"{w.AvailableReplicas}/{w.DesiredReplicas} replicas available, no crash loops" : $"workload not known ({StatusOf(signals.Checks, TriageCheckName.Workload)})"),
            };
        }

        static DecisionEvidence? ErrorsEarlier(TriageSignals signals)
        {
            if (signals.Rate is { } rate && (rate.ErrorsInWindow > 0 || rate.ErrorsPerSecond > 0))
            {
                var ratio = rate.ErrorRatio is { } r ? $", {Percent(r)} of requests" : string.Empty;
                return new(TriageCheckName.ErrorRate, $"the metrics count {rate.ErrorsInWindow.ToString("0", CultureInfo.InvariantCulture)} errors over {rate.Window}{ratio} ({Counts(rate.ErrorsPerSecondByStatus)}), none or under the noise floor now");
            }

            if (signals.LogErrorsInWindow > 0)
            {
                return new(TriageCheckName.ErrorLogs, $"{signals.LogErrorsInWindow} PostHog error lines in the logs over {signals.Logs!.SinceSeconds / 60} min, none in {TimeWindow.PhraseOf(signals.Logs.RecentWindow)}");
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

        // The status page's own words for the state (StatusStates), as the severity's reason reads them.
        static string Describe(ServiceState state) => state switch
        {
            ServiceState.UnderMaintenance => "a maintenance",
            ServiceState.DegradedPerformance => Status.StatusStates.Describe(state),
            ServiceState.PartialOutage or ServiceState.FullOutage => "a " + Status.StatusStates.Describe(state),
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
