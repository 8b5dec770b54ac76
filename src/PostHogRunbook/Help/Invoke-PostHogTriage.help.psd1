@{
    Synopsis    = 'Runs every triage check at once and walks the runbook''s decision tree to a category, a P1-P4 severity and the next action.'
    Description = @(
        'Invoke-PostHogTriage runs the six checks of the PostHog runbook concurrently, each bounded by -TimeoutSec: StatusPage (PostHog''s status page, filtered to our region), PostHogApi (POST /flags?v=2 with the key the deployment really uses, read from its secret when RBAC allows, else -ProjectApiKey; the private API too with -PersonalApiKey), AppHealth (our /health, field services.posthog), ErrorRate (Prometheus: sum by (status) (rate(posthog_errors_total[5m])) and the ratio to posthog_requests_total), Workload (the deployment, the pods of -Selector and their Warning events) and ErrorLogs (the pods'' logs of the last 5 minutes, PostHog error lines counted by HTTP status, a few redacted samples).'
        'Each check ends Pass, Warn, Fail, Unavailable (its dependency failed; the reason and a stable error id are kept) or Skipped (not configured). A dead dependency never stops the triage: a dead Prometheus is the runbook''s "metrics unavailable", a finding. Then the decision tree of about_PostHogRunbook gives the Category (Healthy, Intermittent, PostHogOutage, Authentication, RateLimited, PostHogServerErrors, InternalInfrastructure, MonitoringGap, Unknown), the Severity (P1-P4, None) judged on the integration''s own traffic, and the RecommendedAction. DecisionPath says which branch was taken and why, with the evidence.'
        'With several -Context values each cluster is triaged concurrently and one report per context is output. The report''s Target (context, namespace, deployment, host) lets the next cmdlet in the pipeline act on the same integration. Ctrl+C stops the triage at once. Keys are never printed: the probe shows only the key''s prefix and last four characters.'
    )
    Parameters  = @{
        StatusPageUrl  = 'PostHog''s status site or document (default https://www.posthogstatus.com).'
        HealthUrl      = 'Our integration''s /health URL. Without it the AppHealth check is Skipped.'
        PostHogHost    = 'The PostHog host to probe (https://us.i.posthog.com, https://eu.i.posthog.com, or self-hosted). Default: the profile, else the deployment''s POSTHOG_HOST. Its us./eu. prefix picks the status page region.'
        ProjectApiKey  = 'The project key (phc_...) to probe /flags with when the deployment''s secret cannot be read, as a SecureString.'
        PersonalApiKey = 'A personal key (phx_...) to probe the private API (/api/users/@me/) with, as a SecureString.'
        PrometheusUrl  = 'The Prometheus server that scrapes the integration (default http://localhost:9090).'
        MetricsSelector = 'PromQL label matchers added to both metrics, for a Prometheus that scrapes more than this integration: namespace="posthog" queries posthog_errors_total{namespace="posthog"}. Default none.'
        MetricsWindow  = 'The metrics'' window, a Prometheus duration (30s, 5m, 1h): rate() and increase() over it (default 5m).'
        RecentWindow   = 'What "errors now" means, a Prometheus duration (default 1m): the metrics'' rate over it and the log lines it holds. Keep it at least two scrape intervals long. A bad duration is InvalidSettingDuration.'
        KubeConfig     = 'The kubeconfig (default $env:KUBECONFIG, then ~/.kube/config). Without one the Workload and ErrorLogs checks are Skipped. A KUBECONFIG list is merged as kubectl merges it. The path means what it means in your shell: relative to the current location, ~ for your home, drive paths such as TestDrive:/x.'
        Context        = 'One or more kube contexts (default the kubeconfig''s current-context). Several are triaged concurrently, one report each. Tab completes the kubeconfig''s contexts, leaving out those already typed.'
        Namespace      = 'The integration''s namespace (default the context''s namespace).'
        Deployment     = 'The integration''s deployment (default posthog-integration).'
        Selector       = 'The label selector of the integration''s pods (default app=posthog-integration). Only these pods are read.'
        SecretName     = 'The secret holding the project key (default posthog-secrets).'
        SecretKey      = 'The key inside that secret (default api-key).'
        Region         = 'US, EU or All: the status page region, instead of the one implied by the PostHog host.'
        TimeoutSec     = 'Each check''s time limit in seconds (default 10). A dependency that never answers costs this, never a hang.'
        ConfigPath     = 'A JSON runbook profile to read settings from (see about_PostHogRunbook). The path means what it means in your shell: relative to the current location, ~ for your home, drive paths such as TestDrive:/x.'
        Check          = 'Run only these checks (StatusPage, PostHogApi, AppHealth, ErrorRate, Workload, ErrorLogs); the others are reported Skipped. The verdict is then made on what ran.'
        Quiet          = 'For scheduled scripts: output nothing for a Healthy verdict.'
        FailOnSeverity = 'For scheduled scripts: after the reports, throw TriageSeverityReached when any report is at or above this severity (P1, P2, P3 or P4, in any case), so the job fails.'
    }
    Outputs     = @{ 'PostHogRunbook.Model.TriageReport' = 'Category, Severity, RecommendedAction, Summary, DecisionPath, DominantError, ErrorRatio, the Checks with their evidence, the Target, StartedAt and Duration.' }
    Examples    = @(
        @{ Title = 'Triage the integration of the current context'; Code = 'Invoke-PostHogTriage -HealthUrl https://integration.internal/health'; Remarks = 'Shows the verdict, the decision path and each check with its duration and finding.' }
        @{ Title = 'Fail a scheduled CI job on P1 or P2'; Code = 'Invoke-PostHogTriage -Quiet -FailOnSeverity P2'; Remarks = 'Prints nothing when Healthy; throws TriageSeverityReached (pwsh exits 1) when a report is P1 or P2. Equivalent: if ((Invoke-PostHogTriage).Severity -in ''P1'',''P2'') { exit 1 }.' }
        @{ Title = 'Two clusters at once, as a table'; Code = 'Invoke-PostHogTriage -Context prod-us, prod-eu | Format-Table'; Remarks = 'One report per context, triaged concurrently.' }
        @{ Title = 'One Prometheus for several namespaces'; Code = 'Invoke-PostHogTriage -PrometheusUrl http://prometheus.monitoring:9090 -MetricsSelector ''namespace="posthog"'' -MetricsWindow 15m'; Remarks = 'Queries only the posthog namespace''s series, over 15 minutes; the decision path and the evidence name the window.' }
        @{ Title = 'See why a check could not run'; Code = '(Invoke-PostHogTriage).Checks | Where-Object Status -eq Unavailable | Select-Object Name, ErrorId, Error'; Remarks = 'Unavailable checks keep their stable error id (PrometheusUnreachable, KubernetesForbidden, CheckTimedOut, ...) and the reason.' }
    )
    Links       = @('about_PostHogRunbook', 'Get-PostHogStatus', 'Get-PostHogRunbookConfig')
}
