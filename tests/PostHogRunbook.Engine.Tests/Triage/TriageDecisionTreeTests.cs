using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Triage
{
    // Inside the namespace so the fixture's Status/Metrics win over the PostHogRunbook.Engine.Status/.Metrics namespaces.
    using static TriageFixture;

    /// <summary>Every branch of the runbook's decision tree (README, about_PostHogRunbook), from check results alone.</summary>
    public class TriageDecisionTreeTests
    {
        // ---- the healthy baseline

        [Fact]
        public void Healthy_baseline_is_Healthy_with_no_severity_and_no_action()
        {
            var verdict = Healthy().Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Healthy, IncidentSeverity.None, RemediationAction.None, null);
            TriageAssert.PathMentions(verdict, "PostHog errors now? no", "Is our service healthy? yes", "3/3 replicas available");
        }

        // ---- "PostHog errors now?": each of the four triggers alone

        [Theory]
        [InlineData(ApiProbeOutcome.KeyRejected, 401, "HTTP 401 KeyRejected", "401", TriageCategory.Authentication, RemediationAction.RotateApiKey)]
        [InlineData(ApiProbeOutcome.KeyMalformed, 401, "HTTP 401 KeyMalformed", "401", TriageCategory.Authentication, RemediationAction.RotateApiKey)]
        [InlineData(ApiProbeOutcome.Forbidden, 403, "HTTP 403 Forbidden", "403", TriageCategory.Authentication, RemediationAction.RotateApiKey)]
        [InlineData(ApiProbeOutcome.RateLimited, 429, "HTTP 429 RateLimited", "429", TriageCategory.RateLimited, RemediationAction.QueueRequests)]
        [InlineData(ApiProbeOutcome.ServerError, 503, "HTTP 503 ServerError", "503", TriageCategory.PostHogServerErrors, RemediationAction.EnableFallback)]
        [InlineData(ApiProbeOutcome.UnexpectedResponse, 400, "HTTP 400 UnexpectedResponse", "400", TriageCategory.Unknown, RemediationAction.Escalate)]
        public void A_failing_probe_alone_means_errors_now_and_names_the_error(
            ApiProbeOutcome outcome, int? httpStatus, string probeSaw, string dominant, TriageCategory category, RemediationAction action)
        {
            var verdict = Healthy().With(Probe(outcome, httpStatus, "posthog said so")).Decide();

            Assert.Equal((category, action, dominant), (verdict.Category, verdict.Action, verdict.DominantError));
            TriageAssert.PathMentions(verdict, "PostHog errors now? yes", $"the live probe of {Host} got {probeSaw} (posthog said so)", "(from the live probe)");
        }

        [Theory]
        [InlineData(ApiProbeOutcome.TimedOut, "TimedOut", "timeout")]
        [InlineData(ApiProbeOutcome.Unreachable, "Unreachable", "unreachable")]
        public void A_probe_that_cannot_reach_PostHog_means_errors_now_when_no_traffic_says_otherwise(ApiProbeOutcome outcome, string probeSaw, string dominant)
        {
            var verdict = Healthy()
                .Unavailable(TriageCheckName.ErrorRate, "Prometheus: connection refused", "PrometheusUnreachable")
                .Unavailable(TriageCheckName.ErrorLogs, "pods/log is forbidden", "KubernetesForbidden")
                .With(Probe(outcome, null, "posthog said so"))
                .Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogServerErrors, IncidentSeverity.P2, RemediationAction.EnableFallback, dominant);
            TriageAssert.PathMentions(verdict, "PostHog errors now? yes", $"the live probe of {Host} got {probeSaw} (posthog said so)", "(from the live probe)");
        }

        [Theory]
        [InlineData(ApiProbeOutcome.TimedOut)]
        [InlineData(ApiProbeOutcome.Unreachable)]
        public void A_probe_that_cannot_reach_PostHog_while_the_integrations_traffic_is_clean_is_a_gap_of_the_triages_reach(ApiProbeOutcome outcome)
        {
            // The baseline: metrics with 100 req/s and no errors, logs without a PostHog error, /health posthog ok.
            var verdict = Healthy().With(Probe(outcome, null)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.MonitoringGap, IncidentSeverity.P4, RemediationAction.None, null);
            TriageAssert.PathMentions(verdict, "PostHog errors now? no", "a gap of the triage's own reach", "the metrics, the logs and /health show the integration's own traffic");
            Assert.Contains(verdict.Steps, step => step.Question == DecisionQuestion.PostHogErrorsNow && step.Answer == DecisionAnswer.No
                && step.Evidence.Any(e => e.Check == TriageCheckName.PostHogApi));
        }

        [Fact]
        public void Nothing_reachable_from_the_triage_is_Unknown_and_suspects_the_triages_own_network()
        {
            var verdict = Healthy()
                .Unavailable(TriageCheckName.StatusPage, "no answer", "StatusPageUnreachable")
                .With(Probe(ApiProbeOutcome.Unreachable, null))
                .Unavailable(TriageCheckName.AppHealth, "no answer", "AppHealthUnreachable")
                .Unavailable(TriageCheckName.ErrorRate, "no answer", "PrometheusUnreachable")
                .Unavailable(TriageCheckName.Workload, "no answer", "KubernetesUnreachable")
                .Unavailable(TriageCheckName.ErrorLogs, "no answer", "CheckTimedOut")
                .Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Unknown, IncidentSeverity.P3, RemediationAction.Escalate, null);
            Assert.Equal(DecisionQuestion.TriageReach, verdict.Steps[0].Question);
            TriageAssert.PathMentions(verdict, "Could the triage reach anything? no", "its own network (DNS, proxy, egress) is the first suspect");
        }

        [Fact]
        public void One_dependency_down_among_reachable_ones_is_not_the_triages_network()
        {
            var verdict = Healthy().Unavailable(TriageCheckName.StatusPage, "no answer", "StatusPageUnreachable").Decide();

            Assert.NotEqual(DecisionQuestion.TriageReach, verdict.Steps[0].Question);
            Assert.Equal(TriageCategory.MonitoringGap, verdict.Category);
        }

        // ---- only what ran counts

        [Fact]
        public void Checks_that_did_not_run_are_unknown_never_show_none()
        {
            var verdict = Healthy()
                .Skipped(TriageCheckName.PostHogApi)
                .Unavailable(TriageCheckName.ErrorRate, "Prometheus: connection refused", "PrometheusUnreachable")
                .Decide();

            TriageAssert.PathMentions(verdict, "PostHog errors now? no: /health and the last minute of logs show none", "the probe not known (PostHogApi Skipped)", "the metrics not known (ErrorRate Unavailable");
            TriageAssert.PathDoesNotMention(verdict, "the probe, /health");
        }

        [Fact]
        public void With_only_the_status_page_run_a_declared_outage_is_never_Healthy()
        {
            var verdict = Healthy()
                .With(Status(ServiceState.FullOutage, isAffected: true, "US Cloud: full outage"))
                .Skipped(TriageCheckName.PostHogApi).Skipped(TriageCheckName.AppHealth).Skipped(TriageCheckName.ErrorRate)
                .Skipped(TriageCheckName.Workload).Skipped(TriageCheckName.ErrorLogs)
                .Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogOutage, IncidentSeverity.P1, RemediationAction.Monitor, null);
            TriageAssert.PathMentions(verdict, "PostHog errors now? unknown", "our own errors were not measured");
            TriageAssert.PathDoesNotMention(verdict, "Every check that ran passed");
            Assert.Equal(DecisionAnswer.Unknown, verdict.Steps[0].Answer);
        }

        [Fact]
        public void A_healthy_subset_says_which_checks_did_not_run()
        {
            var verdict = Healthy().Skipped(TriageCheckName.PostHogApi).Skipped(TriageCheckName.ErrorLogs).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Healthy, IncidentSeverity.None, RemediationAction.None, null);
            TriageAssert.PathMentions(verdict, "Every check that ran passed (not run: PostHogApi, ErrorLogs)");
        }

        [Fact]
        public void The_path_is_rendered_from_the_steps()
        {
            var verdict = Healthy().With(MetricsNow("503", 0.2)).Decide();

            Assert.Equal(verdict.Steps.Select(step => step.Text), verdict.Path);
            Assert.Equal(new[] { DecisionQuestion.PostHogErrorsNow, DecisionQuestion.StatusPageDeclaresIncident, DecisionQuestion.DominantError, DecisionQuestion.Severity }, verdict.Steps.Select(s => s.Question));
            Assert.Equal("503", verdict.Steps[2].Value);
            Assert.Equal("P2", verdict.Steps[^1].Value);
            Assert.Contains(verdict.Steps[0].Evidence, e => e.Check == TriageCheckName.ErrorRate);
        }

        [Theory]
        [InlineData("degraded")]
        [InlineData("down")]
        public void Health_reporting_posthog_bad_while_the_app_is_up_means_errors_now_and_with_no_status_class_escalates(string postHogService)
        {
            var verdict = Healthy().With(Health(200, "degraded", postHogService)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Unknown, IncidentSeverity.P3, RemediationAction.Escalate, null);
            TriageAssert.PathMentions(verdict, "PostHog errors now? yes", $"/health reports the posthog service {postHogService}", "none that names a status class", "escalate");
        }

        [Fact]
        public void Metrics_at_or_above_the_noise_floor_with_errors_now_mean_errors_now()
        {
            var verdict = Healthy().With(MetricsNow("503", 0.02)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogServerErrors, IncidentSeverity.P3, RemediationAction.EnableFallback, "503");
            TriageAssert.PathMentions(verdict, "PostHog errors now? yes", "the metrics show 2% of requests failing over 5m (noise floor 1%)", "Dominant error: 503 (from the metrics)");
        }

        [Fact]
        public void Metrics_without_a_request_metric_but_errors_now_mean_errors_now()
        {
            var verdict = Healthy().With(Metrics(null, 4, 1200, Rates(("503", 4)))).Decide();

            Assert.Equal(TriageCategory.PostHogServerErrors, verdict.Category);
            TriageAssert.PathMentions(verdict, "the metrics show 4 errors/s now (no request metric for a ratio)");
        }

        [Fact]
        public void Error_lines_in_the_last_minute_of_logs_alone_mean_errors_now()
        {
            var verdict = Healthy().With(LogsNow("401", 30)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Authentication, IncidentSeverity.P3, RemediationAction.RotateApiKey, "401");
            TriageAssert.PathMentions(verdict, "PostHog errors now? yes", "30 PostHog error lines in the last minute of logs (401: 30)", "Dominant error: 401 (from the logs)");
        }

        // ---- errors now: does the status page show an incident or maintenance on our region?

        [Theory]
        [InlineData(ServiceState.PartialOutage, "Event ingestion: partial outage")]
        [InlineData(ServiceState.DegradedPerformance, "Feature flags: degraded performance")]
        [InlineData(ServiceState.FullOutage, "US Cloud: full outage")]
        [InlineData(ServiceState.UnderMaintenance, "Maintenance in progress: database upgrade")]
        public void Errors_with_an_incident_or_maintenance_on_our_region_are_a_PostHog_outage(ServiceState state, string summary)
        {
            var verdict = Healthy().With(Status(state, isAffected: true, summary)).With(MetricsNow("503", 0.02)).Decide();

            Assert.Equal((TriageCategory.PostHogOutage, RemediationAction.EnableFallback, "503"), (verdict.Category, verdict.Action, verdict.DominantError));
            TriageAssert.PathMentions(verdict, "status page show an incident or maintenance on US Cloud? yes", summary);
        }

        [Fact]
        public void A_429_storm_that_PostHog_declares_is_its_outage_not_our_rate_limit()
        {
            var verdict = Healthy()
                .With(Status(ServiceState.PartialOutage, isAffected: true, "Ingestion returning 429 for some projects"))
                .With(Probe(ApiProbeOutcome.RateLimited, 429))
                .With(MetricsNow("429", 0.3))
                .Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogOutage, IncidentSeverity.P2, RemediationAction.EnableFallback, "429");
            TriageAssert.PathMentions(verdict, "status page", "? yes: Ingestion returning 429 for some projects");
        }

        [Fact]
        public void An_EU_only_incident_does_not_make_errors_on_a_US_integration_a_PostHog_outage()
        {
            // Get-PostHogStatus filtered to US: the EU incident leaves our region unaffected.
            var usView = Status(ServiceState.Operational, isAffected: false, "US Cloud operational (1 incident on EU Cloud only)");

            var verdict = Healthy().With(usView).With(MetricsNow("503", 0.2)).Decide();

            Assert.NotEqual(TriageCategory.PostHogOutage, verdict.Category);
            TriageAssert.Verdict(verdict, TriageCategory.PostHogServerErrors, IncidentSeverity.P2, RemediationAction.EnableFallback, "503");
            TriageAssert.PathMentions(verdict, "on US Cloud? no: US Cloud operational (1 incident on EU Cloud only)");
        }

        [Fact]
        public void An_incident_on_our_region_without_errors_for_us_is_watched_never_Healthy()
        {
            // PostHog's word alone changes nothing in production (no fallback), but it is not "Healthy" either.
            var verdict = Healthy().With(Status(ServiceState.PartialOutage, isAffected: true, "Session replay: partial outage")).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogOutage, IncidentSeverity.P2, RemediationAction.Monitor, null);
            TriageAssert.PathMentions(verdict, "Session replay: partial outage; our own traffic shows no errors");
        }

        [Fact]
        public void An_unavailable_status_page_does_not_stop_the_decision_on_the_errors_alone()
        {
            var verdict = Healthy()
                .Unavailable(TriageCheckName.StatusPage, "the status page answered HTML, not JSON", "StatusPageUnreadable")
                .With(Probe(ApiProbeOutcome.ServerError, 503, "transient error, please retry"))
                .With(MetricsNow("503", 0.2))
                .Decide();

            TriageAssert.Verdict(verdict, TriageCategory.PostHogServerErrors, IncidentSeverity.P2, RemediationAction.EnableFallback, "503");
            TriageAssert.PathMentions(verdict, "the status page check is Unavailable (the status page answered HTML, not JSON)", "deciding by the errors alone", "HTTP 503");
        }

        // ---- errors now, no declared incident: the dominant error decides

        [Theory]
        [InlineData("401", TriageCategory.Authentication, RemediationAction.RotateApiKey)]
        [InlineData("403", TriageCategory.Authentication, RemediationAction.RotateApiKey)]
        [InlineData("429", TriageCategory.RateLimited, RemediationAction.QueueRequests)]
        [InlineData("500", TriageCategory.PostHogServerErrors, RemediationAction.EnableFallback)]
        [InlineData("502", TriageCategory.PostHogServerErrors, RemediationAction.EnableFallback)]
        [InlineData("503", TriageCategory.PostHogServerErrors, RemediationAction.EnableFallback)]
        [InlineData("504", TriageCategory.PostHogServerErrors, RemediationAction.EnableFallback)]
        [InlineData("timeout", TriageCategory.PostHogServerErrors, RemediationAction.EnableFallback)]
        [InlineData("unreachable", TriageCategory.PostHogServerErrors, RemediationAction.EnableFallback)]
        [InlineData("400", TriageCategory.Unknown, RemediationAction.Escalate)]
        [InlineData("404", TriageCategory.Unknown, RemediationAction.Escalate)]
        public void The_dominant_status_class_picks_the_category_and_action(string statusClass, TriageCategory category, RemediationAction action)
        {
            var verdict = Healthy().With(MetricsNow(statusClass, 0.1)).Decide();

            Assert.Equal((category, action, statusClass), (verdict.Category, verdict.Action, verdict.DominantError));
            TriageAssert.PathMentions(verdict, $"Dominant error: {statusClass} (from the metrics) -> {category}");
        }

        [Fact]
        public void The_status_class_with_the_most_errors_in_the_metrics_dominates()
        {
            var verdict = Healthy().With(Metrics(0.2, 20, 6000, Rates(("429", 3), ("503", 15), ("401", 2)))).Decide();

            Assert.Equal((TriageCategory.PostHogServerErrors, "503"), (verdict.Category, verdict.DominantError));
        }

        [Fact]
        public void The_metrics_dominant_error_beats_the_probes()
        {
            var verdict = Healthy().With(Probe(ApiProbeOutcome.KeyRejected, 401)).With(MetricsNow("429", 0.1)).Decide();

            Assert.Equal((TriageCategory.RateLimited, RemediationAction.QueueRequests, "429"), (verdict.Category, verdict.Action, verdict.DominantError));
            TriageAssert.PathMentions(verdict, "HTTP 401 KeyRejected", "Dominant error: 429 (from the metrics)");
        }

        [Fact]
        public void The_metrics_dominant_error_beats_the_logs()
        {
            var verdict = Healthy().With(MetricsNow("503", 0.1)).With(LogsNow("429", 40)).Decide();

            Assert.Equal((TriageCategory.PostHogServerErrors, "503"), (verdict.Category, verdict.DominantError));
            TriageAssert.PathMentions(verdict, "Dominant error: 503 (from the metrics)");
        }

        [Fact]
        public void Without_metrics_the_logs_dominant_error_beats_the_probes()
        {
            var verdict = Healthy()
                .Unavailable(TriageCheckName.ErrorRate, "Prometheus: connection refused", "PrometheusUnreachable")
                .With(Probe(ApiProbeOutcome.ServerError, 503))
                .With(LogsNow("401", 120))
                .Decide();

            Assert.Equal((TriageCategory.Authentication, RemediationAction.RotateApiKey, "401"), (verdict.Category, verdict.Action, verdict.DominantError));
            TriageAssert.PathMentions(verdict, "Dominant error: 401 (from the logs)");
        }

        // ---- no errors now: is our service healthy?

        [Fact]
        public void Health_503_down_is_our_infrastructure_and_restarts_the_integration()
        {
            var verdict = Healthy().With(Health(503, "down", null)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.InternalInfrastructure, IncidentSeverity.P2, RemediationAction.RestartIntegration, null);
            TriageAssert.PathMentions(verdict, "PostHog errors now? no", "Is our service healthy? no", "/health answers HTTP 503 with status down");
        }

        [Fact]
        public void Posthog_down_in_the_health_of_an_app_that_is_itself_down_is_not_a_PostHog_error()
        {
            var verdict = Healthy().With(Health(503, "down", "down")).Decide();

            Assert.Equal(TriageCategory.InternalInfrastructure, verdict.Category);
        }

        [Fact]
        public void No_available_replica_is_our_infrastructure_at_P1()
        {
            var verdict = Healthy().With(Workload(3, 0)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.InternalInfrastructure, IncidentSeverity.P1, RemediationAction.RestartIntegration, null);
            TriageAssert.PathMentions(verdict, "no available replica of posthog-integration (0/3)");
        }

        [Fact]
        public void Some_replicas_missing_is_our_infrastructure_at_P2()
        {
            var verdict = Healthy().With(Workload(3, 2)).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.InternalInfrastructure, IncidentSeverity.P2, RemediationAction.RestartIntegration, null);
            TriageAssert.PathMentions(verdict, "2/3 replicas available");
        }

        [Theory]
        [InlineData("CrashLoopBackOff")]
        [InlineData("OOMKilled")]
        public void A_failing_pod_is_our_infrastructure_at_P2(string reason)
        {
            var workload = Workload(3, 3, Pod("posthog-integration-7d9f-0", null), Pod("posthog-integration-7d9f-1", null), Pod("posthog-integration-7d9f-2", reason, restarts: 7));

            var verdict = Healthy().With(workload).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.InternalInfrastructure, IncidentSeverity.P2, RemediationAction.RestartIntegration, null);
            TriageAssert.PathMentions(verdict, $"pods failing: posthog-integration-7d9f-2 {reason} (7 restarts)");
        }

        [Fact]
        public void Our_service_down_without_workload_evidence_escalates_when_the_workload_check_is_skipped()
        {
            var verdict = Healthy().With(Health(503, "down", null)).Skipped(TriageCheckName.Workload).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.InternalInfrastructure, IncidentSeverity.P2, RemediationAction.Escalate, null);
            TriageAssert.PathMentions(verdict, "/health answers HTTP 503", "The workload cannot be read", "escalate");
        }

        [Fact]
        public void Our_service_down_without_workload_evidence_escalates_when_the_workload_check_is_unavailable()
        {
            var verdict = Healthy()
                .With(Health(503, "down", null))
                .Unavailable(TriageCheckName.Workload, "Kubernetes: pods is forbidden", "KubernetesForbidden")
                .Decide();

            TriageAssert.Verdict(verdict, TriageCategory.InternalInfrastructure, IncidentSeverity.P2, RemediationAction.Escalate, null);
            TriageAssert.PathMentions(verdict, "The workload cannot be read", "escalate");
        }

        // ---- no errors now, healthy: earlier errors, a monitoring gap, or nothing

        [Fact]
        public void Errors_earlier_in_the_metrics_window_and_none_now_are_Intermittent()
        {
            var verdict = Healthy().With(Metrics(0.03, 0, 900, Rates(("503", 3)))).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Intermittent, IncidentSeverity.P3, RemediationAction.Monitor, "503");
            TriageAssert.PathMentions(verdict, "PostHog errors now? no", "Errors earlier in the window? yes: the metrics count 900 errors over 5m, 3% of requests");
        }

        [Fact]
        public void Errors_now_under_the_noise_floor_are_Intermittent()
        {
            var verdict = Healthy().With(Metrics(0.005, 0.5, 150, Rates(("502", 0.5)))).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Intermittent, IncidentSeverity.P3, RemediationAction.Monitor, "502");
            TriageAssert.PathMentions(verdict, "PostHog errors now? no", "0.5% of requests", "under the noise floor");
        }

        [Fact]
        public void Log_errors_in_the_window_but_not_the_last_minute_are_Intermittent()
        {
            var logs = Logs(6000, new Dictionary<string, int> { ["429"] = 12 }, new Dictionary<string, int>());

            var verdict = Healthy().With(logs).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Intermittent, IncidentSeverity.P3, RemediationAction.Monitor, "429");
            TriageAssert.PathMentions(verdict, "12 PostHog error lines in the logs over 5 min, none in the last minute");
        }

        [Fact]
        public void Earlier_errors_are_Intermittent_even_with_a_check_unavailable()
        {
            var logs = Logs(6000, new Dictionary<string, int> { ["503"] = 12 }, new Dictionary<string, int>());

            var verdict = Healthy().Unavailable(TriageCheckName.ErrorRate, "Prometheus: connection refused").With(logs).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Intermittent, IncidentSeverity.P3, RemediationAction.Monitor, "503");
        }

        [Theory]
        [InlineData(TriageCheckName.StatusPage)]
        [InlineData(TriageCheckName.PostHogApi)]
        [InlineData(TriageCheckName.AppHealth)]
        [InlineData(TriageCheckName.ErrorRate)]
        [InlineData(TriageCheckName.Workload)]
        [InlineData(TriageCheckName.ErrorLogs)]
        public void A_check_unavailable_with_all_else_healthy_is_a_MonitoringGap_at_P4(TriageCheckName name)
        {
            var verdict = Healthy().Unavailable(name, "its dependency did not answer within 10 s").Decide();

            TriageAssert.Verdict(verdict, TriageCategory.MonitoringGap, IncidentSeverity.P4, RemediationAction.None, null);
            TriageAssert.PathMentions(verdict, $"A check Unavailable? yes: {name} (its dependency did not answer within 10 s)");
        }

        [Theory]
        [InlineData(TriageCheckName.StatusPage)]
        [InlineData(TriageCheckName.PostHogApi)]
        [InlineData(TriageCheckName.AppHealth)]
        [InlineData(TriageCheckName.ErrorRate)]
        [InlineData(TriageCheckName.Workload)]
        [InlineData(TriageCheckName.ErrorLogs)]
        public void A_check_skipped_alone_is_not_a_gap(TriageCheckName name)
        {
            var verdict = Healthy().Skipped(name).Decide();

            TriageAssert.Verdict(verdict, TriageCategory.Healthy, IncidentSeverity.None, RemediationAction.None, null);
        }
    }
}
