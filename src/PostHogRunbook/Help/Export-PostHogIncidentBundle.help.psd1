@{
    Synopsis    = 'Writes an incident''s evidence into one zip: incident, triage, status page, health, metrics, Kubernetes objects and pod logs, redacted, hashed, with a manifest.'
    Description = @(
        'Export-PostHogIncidentBundle collects the runbook''s evidence for a piped PostHogIncident or TriageReport (or the profile''s target) into one zip: incident.json (the journal''s incident and timeline), triage.json (the reports), status-page.json and health.json (the raw bodies as fetched now), metrics/ (Prometheus query_range of the error and request metrics over -MetricsWindow, with a step under Prometheus'' 11,000-point limit), kubernetes/ (the deployment, its ReplicaSets, the selected pods and the namespace''s events), logs/<pod>/<container>.log for every selected container since the window (with the Kubernetes timestamp on each line), <container>.previous.log where a container restarted, and manifest.json (every entry''s size and SHA-256, the tool version, the parameters without keys, the window, the redaction counts per rule, the sources that failed).'
        'Every byte passes the module''s one redactor: PostHog keys, bearer tokens, Authorization headers, credentials in URLs and key=value pairs, kubeconfig credentials, the values of the integration''s secret (read for the purpose when RBAC allows it, plain and base64) and the RedactPatterns setting''s expressions (one regular expression per line). Logs stream from the pod through the redactor into the zip, -ThrottleLimit at a time, so memory does not grow with their size.'
        'A source that fails (Prometheus down, a pod gone, RBAC refusing logs) is named in the manifest with its error id, a warning says what is missing, and the bundle is still written. The zip is written under a temporary name beside -Path and moved there only when complete: a Ctrl+C leaves nothing at -Path. Its mode is 0600 (readable by its owner only).'
    )
    Parameters  = @{
        InputObject = 'A PostHogIncident (from Resolve-PostHogIncident or Get-PostHogIncident) or a TriageReport (from Invoke-PostHogTriage): what the bundle is evidence of, and its target. For a report, the target''s open incident is bundled with it.'
        Path = 'The zip to write, as PowerShell resolves paths (relative to the current location, ~ expanded). Default: posthog-incident-<id>-<time>.zip in the current folder.'
        Since = 'How far back the logs go, a TimeSpan (default: 30 minutes before the incident started, else one hour).'
        MetricsWindow = 'The range of the Prometheus queries, ending now (default 2 hours, at least one minute).'
        ThrottleLimit = 'How many container logs are read at once (default 8).'
        Force = 'Replace a file that already exists at -Path (without it, that is the error BundleFileExists).'
        KubeConfig = 'The kubeconfig (default the incident''s or report''s, else $env:KUBECONFIG, then ~/.kube/config).'
        Context = 'The kube context (default the incident''s or report''s, else the kubeconfig''s current-context).'
        Namespace = 'The integration''s namespace (default the incident''s, else the context''s namespace).'
        Deployment = 'The integration''s deployment (default posthog-integration).'
        Selector = 'The label selector of the integration''s pods (default app=posthog-integration): only these pods'' logs are bundled.'
        SecretName = 'The integration''s secret, whose values the redactor learns (default posthog-secrets).'
        StatusPageUrl = 'PostHog''s status page (default https://www.posthogstatus.com).'
        HealthUrl = 'The integration''s /health endpoint; without it health.json is skipped.'
        PrometheusUrl = 'The Prometheus to query for metrics/ (default http://localhost:9090).'
        MetricsSelector = 'PromQL label matchers added to both metrics (namespace="posthog"): one Prometheus, many deployments.'
        ConfigPath = 'A JSON runbook profile to read settings from (see about_PostHogRunbook).'
        JournalPath = 'The journal folder where a piped report''s open incident is looked up (default the profile''s JournalPath, $env:POSTHOG_RUNBOOK_JOURNAL, else the user''s data folder).'
        JournalStore = 'Where the journal lives: File (the default; the JournalPath folder) or Kubernetes (ConfigMaps in the profile''s namespace, shared by everyone who reaches the cluster). Default the JournalStore setting ($env:POSTHOG_RUNBOOK_JOURNAL_STORE).'
        TimeoutSec = 'Each request''s time limit in seconds (default 10); log streams run as long as they have lines.'
    }
    Outputs     = @{ 'PostHogRunbook.Model.IncidentBundle' = 'The zip written: Path, Files, Bytes, Sha256, the window, Redactions (per rule) and Failures (source, error id, message).' }
    Examples    = @(
        @{ Title = 'The whole incident, from triage to evidence'; Code = 'Invoke-PostHogTriage | Resolve-PostHogIncident -Confirm:$false | Export-PostHogIncidentBundle -Path ./evidence.zip'; Remarks = 'Triages, remediates, journals, then bundles the incident with 30 minutes of logs before it started.' }
        @{ Title = 'The last two hours of an open incident, four pods at a time'; Code = 'Get-PostHogIncident -Status Investigating | Select-Object -First 1 | Export-PostHogIncidentBundle -Since 2:00:00 -ThrottleLimit 4'; Remarks = 'Writes posthog-incident-<id>-<time>.zip in the current folder; a warning names any source that could not be collected.' }
    )
    Links       = @('Resolve-PostHogIncident', 'Get-PostHogIncident', 'about_PostHogRunbook')
}
