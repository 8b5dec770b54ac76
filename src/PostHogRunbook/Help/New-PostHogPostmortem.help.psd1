@{
    Synopsis    = 'Writes the runbook''s postmortem, filled from the incident''s journal and its metrics.'
    Description = @(
        'The markdown template, filled: date, duration, start and end (UTC), severity, category, commander and workload; the summary of the worst triage; a timeline of every journal entry (HH:MM, UTC); the root cause from the triage (its category, the dominant error, the decision path step by step); the impact from the metrics over the incident (requests failed and the peak error ratio, when Prometheus answers; revenue and customers left to fill); time to detect, mitigate and resolve; the actions taken; action items suggested by the category, each with owner and due-date placeholders (_to fill in_).'
        'The end is when the incident was set Resolved (Set-PostHogIncident -Status Resolved); an open incident''s postmortem runs to now and says so. Everything passes the module''s redactor.'
        'The Postmortem goes down the pipeline; with -Path the markdown is also written to that file (relative to the current location, ~ the home folder); an existing file is replaced only with -Force.'
    )
    Parameters  = @{
        InputObject   = 'An incident (Get-PostHogIncident), read again from the journal as it stands now.'
        IncidentId    = 'The incident to write up, read from the journal.'
        Path          = 'A markdown file to write. A relative path is relative to the current location; ~ is the home folder.'
        Force         = 'Replace -Path when it exists.'
        PrometheusUrl = 'The Prometheus to read the impact from. Default the incident''s own (its triage''s), then the PrometheusUrl setting.'
        MetricsSelector = 'PromQL label matchers added to both metrics (namespace="posthog"), when one Prometheus scrapes many deployments. Default the MetricsSelector setting.'
        TimeoutSec    = 'How long Prometheus may take to answer. Default the TimeoutSec setting (10).'
        JournalPath   = 'The journal folder. A relative path is relative to the current location; ~ is the home folder.'
        JournalStore  = 'Where the journal lives: File (the default; the JournalPath folder) or Kubernetes (ConfigMaps in the profile''s namespace, shared by everyone who reaches the cluster). Default the JournalStore setting ($env:POSTHOG_RUNBOOK_JOURNAL_STORE).'
        ConfigPath    = 'A JSON config file to read the settings from, instead of $env:POSTHOG_RUNBOOK_CONFIG or the user''s config folder.'
    }
    Outputs     = @{ 'PostHogRunbook.Model.Postmortem' = 'IncidentId, Title, Markdown and Path (the file written, or null).' }
    Examples    = @(
        @{ Title = 'Write the postmortem of the last resolved incident'; Code = 'Get-PostHogIncident -Status Resolved | Select-Object -First 1 | New-PostHogPostmortem -Path ./postmortem.md'; Remarks = 'The markdown in ./postmortem.md, and the Postmortem object with its Path.' }
        @{ Title = 'Read it in the console'; Code = '(New-PostHogPostmortem 20261129-075631-k3f9x2).Markdown'; Remarks = 'Nothing written: the markdown is only shown.' }
    )
    Links       = @('about_PostHogRunbook', 'Set-PostHogIncident', 'Send-PostHogIncidentNotification')
}
