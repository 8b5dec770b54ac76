using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Triage
{
    // Inside the namespace so the fixture's Status/Metrics win over the PostHogRunbook.Engine.Status/.Metrics namespaces.
    using static TriageFixture;

    /// <summary>
    /// Every severity rule of the runbook (about_PostHogRunbook, SEVERITY), each alone where possible: the other evidence is kept at a 2% error ratio
    /// (P3 on its own), so the rule under test is the one that raises the severity.
    /// </summary>
    public class TriageSeverityTests
    {
        const double MinorRatio = 0.02;

        // ---- the integration's error ratio (the metrics)

        [Theory]
        [InlineData(0.01, IncidentSeverity.P3, "1% of the integration's requests fail (the metrics; under 5%)")]
        [InlineData(0.049, IncidentSeverity.P3, "4.9% of the integration's requests fail (the metrics; under 5%)")]
        [InlineData(0.05, IncidentSeverity.P2, "5% of the integration's requests fail (the metrics; degraded at 5%)")]
        [InlineData(0.49, IncidentSeverity.P2, "49% of the integration's requests fail (the metrics; degraded at 5%)")]
        [InlineData(0.5, IncidentSeverity.P1, "50% of the integration's requests fail (the metrics; outage at 50%)")]
        [InlineData(1.0, IncidentSeverity.P1, "100% of the integration's requests fail (the metrics; outage at 50%)")]
        public void The_metrics_error_ratio_sets_the_severity_at_or_above_each_threshold(double ratio, IncidentSeverity severity, string because)
        {
            var verdict = Healthy().With(MetricsNow("503", ratio)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogServerErrors, severity, RemediationAction.EnableFallback, "503");
            Assert.Equal(ratio, verdict.ErrorRatio);
            TriageAssert.PathMentions(verdict, $"Severity {severity}: {because}");
        }

        [Theory]
        [InlineData(0.0499, IncidentSeverity.P3)]
        [InlineData(0.4999, IncidentSeverity.P2)]
        public void Just_under_a_threshold_stays_at_the_lower_severity(double ratio, IncidentSeverity severity)
        {
            var verdict = Healthy().With(MetricsNow("503", ratio)).Decide();

            Assert.Equal(severity, verdict.Severity);
        }

        [Fact]
        public void At_the_noise_floor_the_errors_are_errors_now()
        {
            var verdict = Healthy().With(MetricsNow("503", 0.01)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogServerErrors, IncidentSeverity.P3, RemediationAction.EnableFallback, "503");
        }

        [Fact]
        public void Just_under_the_noise_floor_the_errors_are_Intermittent()
        {
            var verdict = Healthy().With(MetricsNow("503", 0.0099)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Intermittent, IncidentSeverity.P3, RemediationAction.Monitor, "503");
        }

        [Theory]
        [InlineData(0.019, TriageCategory.Intermittent, IncidentSeverity.P3, "Errors earlier in the window? yes")]
        [InlineData(0.02, TriageCategory.PostHogServerErrors, IncidentSeverity.P3, "(the metrics; under 10%)")]
        [InlineData(0.05, TriageCategory.PostHogServerErrors, IncidentSeverity.P3, "(the metrics; under 10%)")]
        [InlineData(0.0999, TriageCategory.PostHogServerErrors, IncidentSeverity.P3, "(the metrics; under 10%)")]
        [InlineData(0.10, TriageCategory.PostHogServerErrors, IncidentSeverity.P2, "(the metrics; degraded at 10%)")]
        [InlineData(0.5, TriageCategory.PostHogServerErrors, IncidentSeverity.P2, "(the metrics; degraded at 10%)")]
        [InlineData(0.7999, TriageCategory.PostHogServerErrors, IncidentSeverity.P2, "(the metrics; degraded at 10%)")]
        [InlineData(0.8, TriageCategory.PostHogServerErrors, IncidentSeverity.P1, "(the metrics; outage at 80%)")]
        public void Custom_thresholds_move_every_boundary(double ratio, TriageCategory category, IncidentSeverity severity, string because)
        {
            var verdict = Healthy().With(MetricsNow("503", ratio)).Decide(new TriageThresholds(0.02, 0.10, 0.80));

            Assert.Equal((category, severity), (verdict.Category, verdict.Severity));
            TriageAssert.PathMentions(verdict, because);
        }

        [Fact]
        public void Custom_noise_floor_is_named_in_the_path()
        {
            var verdict = Healthy().With(MetricsNow("503", 0.03)).Decide(new TriageThresholds(0.02, 0.10, 0.80));

            TriageAssert.PathMentions(verdict, "(noise floor 2%)");
        }

        // ---- without metrics, the logs' share of error lines is the ratio

        [Theory]
        [InlineData(30, IncidentSeverity.P3, "3% of the integration's requests fail (the logs; under 5%)")]
        [InlineData(50, IncidentSeverity.P2, "5% of the integration's requests fail (the logs; degraded at 5%)")]
        [InlineData(500, IncidentSeverity.P1, "50% of the integration's requests fail (the logs; outage at 50%)")]
        public void Without_metrics_the_logs_share_of_error_lines_is_the_ratio(int errorLines, IncidentSeverity severity, string because)
        {
            var verdict = Healthy()
                .Unavailable(TriageCheckName.ErrorRate, "Prometheus: connection refused", "PrometheusUnreachable")
                .With(LogsNow("503", errorLines, linesRead: 1000))
                .Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogServerErrors, severity, RemediationAction.EnableFallback, "503");
            Assert.Equal(errorLines / 1000.0, verdict.ErrorRatio);
            TriageAssert.PathMentions(verdict, because);
        }

        [Fact]
        public void Without_a_request_metric_the_logs_share_is_the_ratio()
        {
            var verdict = Healthy()
                .With(Metrics(null, 4, 1200, Rates(("503", 4))))
                .With(LogsNow("503", 100, linesRead: 1000))
                .Decide();

            Assert.Equal(IncidentSeverity.P2, verdict.Severity);
            TriageAssert.PathMentions(verdict, "10% of the integration's requests fail (the logs; degraded at 5%)");
        }

        [Theory]
        [InlineData(ApiProbeOutcome.ServerError, 503, CheckStatus.Unavailable, CheckStatus.Unavailable)]
        [InlineData(ApiProbeOutcome.ServerError, 503, CheckStatus.Skipped, CheckStatus.Unavailable)]
        [InlineData(ApiProbeOutcome.ServerError, 503, CheckStatus.Unavailable, CheckStatus.Skipped)]
        [InlineData(ApiProbeOutcome.RateLimited, 429, CheckStatus.Unavailable, CheckStatus.Unavailable)]
        [InlineData(ApiProbeOutcome.Forbidden, 403, CheckStatus.Unavailable, CheckStatus.Unavailable)]
        [InlineData(ApiProbeOutcome.TimedOut, null, CheckStatus.Unavailable, CheckStatus.Unavailable)]
        [InlineData(ApiProbeOutcome.Unreachable, null, CheckStatus.Unavailable, CheckStatus.Unavailable)]
        public void With_neither_metrics_nor_logs_a_failing_probe_is_P2_because_the_reach_cannot_be_measured(
            ApiProbeOutcome outcome, int? httpStatus, CheckStatus errorRate, CheckStatus errorLogs)
        {
            // The runbook: P1 for "PostHog unreachable from every probe AND pod"; with no metrics and no logs nothing
            // is known about the pods, so a timed-out probe is one sample like any other.
            var verdict = Healthy()
                .Without(TriageCheckName.ErrorRate, errorRate)
                .Without(TriageCheckName.ErrorLogs, errorLogs)
                .With(Probe(outcome, httpStatus))
                .Decide();

            Assert.Equal(IncidentSeverity.P2, verdict.Severity);
            Assert.Null(verdict.ErrorRatio);
            TriageAssert.PathMentions(verdict, "how much traffic fails cannot be measured");
        }

        // ---- P1 rules, each alone

        [Fact]
        public void A_key_rejected_by_flags_is_P1_whatever_the_ratio()
        {
            var verdict = Healthy()
                .With(Probe(ApiProbeOutcome.KeyRejected, 401, "invalid_api_key"))
                .With(MetricsNow("401", MinorRatio))
                .Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Authentication, IncidentSeverity.P1, RemediationAction.RotateApiKey, "401");
            TriageAssert.PathMentions(verdict, "Severity P1: the project key is rejected by /flags", "HTTP 401 KeyRejected (invalid_api_key)");
        }

        [Fact]
        public void A_401_class_without_the_probe_rejecting_the_key_is_judged_on_the_ratio()
        {
            var verdict = Healthy().With(MetricsNow("401", MinorRatio)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Authentication, IncidentSeverity.P3, RemediationAction.RotateApiKey, "401");
        }

        [Theory]
        [InlineData(ApiProbeOutcome.TimedOut, "timeout")]
        [InlineData(ApiProbeOutcome.Unreachable, "unreachable")]
        [InlineData(ApiProbeOutcome.TimedOut, "unreachable")]
        [InlineData(ApiProbeOutcome.Unreachable, "timeout")]
        public void PostHog_unreachable_from_the_probe_and_the_pods_is_P1(ApiProbeOutcome probe, string podsSee)
        {
            var verdict = Healthy().With(Probe(probe, null)).With(MetricsNow(podsSee, MinorRatio)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogServerErrors, IncidentSeverity.P1, RemediationAction.EnableFallback, podsSee);
            TriageAssert.PathMentions(verdict, "Severity P1: PostHog is unreachable from the probe and from every pod");
        }

        [Fact]
        public void PostHog_unreachable_from_the_probe_while_the_pods_get_503s_is_not_P1()
        {
            var verdict = Healthy().With(Probe(ApiProbeOutcome.TimedOut, null)).With(MetricsNow("503", MinorRatio)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogServerErrors, IncidentSeverity.P3, RemediationAction.EnableFallback, "503");
        }

        [Theory]
        [InlineData(ApiProbeOutcome.TimedOut, "timeout")]
        [InlineData(ApiProbeOutcome.Unreachable, "unreachable")]
        public void PostHog_unreachable_from_the_probe_only_while_the_pods_traffic_succeeds_is_not_P1(ApiProbeOutcome probe, string dominant)
        {
            // The baseline metrics and logs: 0% of the integration's requests fail, no error line. The pods reach
            // PostHog, so it is not "unreachable from every probe and pod"; the probe is one sample (about_PostHogRunbook).
            // Since the vantage-point rule: the probe's failure is a gap of the triage's own reach, P4.
            var verdict = Healthy().With(Probe(probe, null)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.MonitoringGap, IncidentSeverity.P4, RemediationAction.None, null);
            TriageAssert.PathDoesNotMention(verdict, "unreachable from the probe and from every pod");
            Assert.NotNull(dominant);
        }

        [Fact]
        public void A_full_outage_declared_on_our_region_is_P1()
        {
            var verdict = Healthy()
                .With(Status(ServiceState.FullOutage, isAffected: true, "US Cloud: full outage"))
                .With(MetricsNow("503", MinorRatio))
                .Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogOutage, IncidentSeverity.P1, RemediationAction.EnableFallback, "503");
            TriageAssert.PathMentions(verdict, "Severity P1: PostHog declares a full outage on US Cloud");
        }

        [Fact]
        public void No_available_replica_with_errors_now_is_P1()
        {
            var verdict = Healthy().With(MetricsNow("503", MinorRatio)).With(Workload(3, 0)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogServerErrors, IncidentSeverity.P1, RemediationAction.EnableFallback, "503");
            TriageAssert.PathMentions(verdict, "Severity P1: no available replica of posthog-integration");
        }

        // ---- P2 rules, each alone

        [Fact]
        public void Sustained_429s_are_P2_even_under_5_percent()
        {
            var verdict = Healthy().With(MetricsNow("429", MinorRatio)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.RateLimited, IncidentSeverity.P2, RemediationAction.QueueRequests, "429");
            TriageAssert.PathMentions(verdict, "Severity P2: sustained 429s from PostHog");
        }

        [Fact]
        public void One_429_from_the_probe_while_the_traffic_has_no_429_is_not_sustained()
        {
            // The integration's own traffic: 0 errors over 5m in the metrics and the logs. A single 429 on the probe
            // names the error type; it is not "sustained 429s" (about_PostHogRunbook: severity is judged on the traffic).
            var verdict = Healthy().With(Probe(ApiProbeOutcome.RateLimited, 429)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.RateLimited, IncidentSeverity.P3, RemediationAction.QueueRequests, "429");
        }

        [Theory]
        [InlineData(ServiceState.PartialOutage, "PostHog declares a partial outage on US Cloud")]
        [InlineData(ServiceState.DegradedPerformance, "PostHog declares degraded performance on US Cloud")]
        [InlineData(ServiceState.UnderMaintenance, "PostHog declares a maintenance on US Cloud")]
        public void A_partial_outage_degraded_performance_or_maintenance_declared_on_our_region_is_P2(ServiceState state, string because)
        {
            var verdict = Healthy()
                .With(Status(state, isAffected: true, $"{state} on US Cloud"))
                .With(MetricsNow("503", MinorRatio))
                .Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogOutage, IncidentSeverity.P2, RemediationAction.EnableFallback, "503");
            TriageAssert.PathMentions(verdict, $"Severity P2: {because}");
        }

        [Theory]
        [InlineData("CrashLoopBackOff")]
        [InlineData("OOMKilled")]
        public void Some_pods_failing_with_errors_now_is_P2(string reason)
        {
            var workload = Workload(3, 3, Pod("posthog-integration-7d9f-0", null), Pod("posthog-integration-7d9f-1", null), Pod("posthog-integration-7d9f-2", reason, restarts: 4));

            var verdict = Healthy().With(MetricsNow("503", MinorRatio)).With(workload).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogServerErrors, IncidentSeverity.P2, RemediationAction.EnableFallback, "503");
            TriageAssert.PathMentions(verdict, "Severity P2: some pods failing (3/3 available)");
        }

        [Fact]
        public void Some_replicas_missing_with_errors_now_is_P2()
        {
            var verdict = Healthy().With(MetricsNow("503", MinorRatio)).With(Workload(3, 2)).Decide();

            Assert.Equal(IncidentSeverity.P2, verdict.Severity);
            TriageAssert.PathMentions(verdict, "Severity P2: some pods failing (2/3 available)");
        }

        // ---- P3 and P4

        [Fact]
        public void Errors_under_5_percent_are_P3()
        {
            var verdict = Healthy().With(MetricsNow("503", 0.03)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogServerErrors, IncidentSeverity.P3, RemediationAction.EnableFallback, "503");
            TriageAssert.PathMentions(verdict, "Severity P3: 3% of the integration's requests fail (the metrics; under 5%)");
        }

        [Fact]
        public void Recovered_intermittent_errors_are_P3()
        {
            var verdict = Healthy().With(Metrics(0.2, 0, 6000, Rates(("503", 20)))).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Intermittent, IncidentSeverity.P3, RemediationAction.Monitor, "503");
            TriageAssert.PathMentions(verdict, "Severity P3: recovered or sub-threshold intermittent errors");
        }

        [Fact]
        public void A_monitoring_gap_is_P4()
        {
            var verdict = Healthy().Unavailable(TriageCheckName.ErrorRate, "Prometheus: connection refused", "PrometheusUnreachable").Decide();

            TriageAssert.Verdict(verdict, TriageCategory.MonitoringGap, IncidentSeverity.P4, RemediationAction.None, null);
            TriageAssert.PathMentions(verdict, "Severity P4", "ErrorRate (Prometheus: connection refused)");
        }

        [Fact]
        public void The_worst_rule_wins_and_the_path_says_which()
        {
            // 20% (P2), a declared partial outage (P2) and no available replica (P1).
            var verdict = Healthy()
                .With(Status(ServiceState.PartialOutage, isAffected: true, "Event ingestion: partial outage"))
                .With(MetricsNow("503", 0.2))
                .With(Workload(3, 0))
                .Decide();

            Assert.Equal((TriageCategory.PostHogOutage, IncidentSeverity.P1), (verdict.Category, verdict.Severity));
            TriageAssert.PathMentions(verdict, "Severity P1: no available replica of posthog-integration");
            TriageAssert.PathDoesNotMention(verdict, "Severity P1: 20%");
        }
    }
}
