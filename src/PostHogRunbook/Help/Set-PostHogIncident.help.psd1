@{
    Synopsis    = 'Changes an incident''s status, commander or impact, or adds a note: each change a new entry in its journal.'
    Description = @(
        'The journal is append-only: Set-PostHogIncident never rewrites what is there. Each change (-Status, -Commander, -Impact, -Note) is one new entry, stamped with the time (UTC) and who made it (user@host); several changes in one call are written together, in one write. A change to what the incident already is (the same status, the same commander) writes nothing. Setting Resolved closes the incident: the next triage of the same deployment opens a new one. Setting another status on a Resolved incident reopens it.'
        'Every text passes the module''s redactor before it is written: a PostHog key, a bearer token or a password pasted into a note is masked in the file. Several shells may write to one incident at once: writers take turns on the journal''s lock, and no entry is lost.'
        'The incident is named by -Id, or piped from Get-PostHogIncident (Id binds by property name). Nothing is output unless -PassThru.'
    )
    Parameters  = @{
        Id          = 'The incident to change (20261129-075631-k3f9x2). Binds from the pipeline by property name. An id the journal does not hold is the error IncidentNotFound.'
        Status      = 'The new status: Investigating, Identified, Mitigated, Monitoring or Resolved.'
        Commander   = 'Who leads the response now.'
        Impact      = 'What users see, in a sentence (for the status page and the postmortem).'
        Note        = 'A note for the timeline: what was tried, what was decided, who was told.'
        PassThru    = 'Output the incident as it is after the change.'
        JournalPath = 'The journal folder. A relative path is relative to the current location; ~ is the home folder.'
        JournalStore = 'Where the journal lives: File (the default; the JournalPath folder) or Kubernetes (ConfigMaps in the profile''s namespace, shared by everyone who reaches the cluster). Default the JournalStore setting ($env:POSTHOG_RUNBOOK_JOURNAL_STORE).'
        KubeConfig  = 'With JournalStore Kubernetes: the kubeconfig of the cluster that keeps the journal (default $env:KUBECONFIG, then ~/.kube/config).'
        Context     = 'With JournalStore Kubernetes: the kube context of that cluster (default the kubeconfig''s current-context).'
        Namespace   = 'With JournalStore Kubernetes: the namespace whose ConfigMaps hold the incidents (default the context''s namespace).'
        ConfigPath  = 'A JSON config file to read the JournalPath setting from, instead of $env:POSTHOG_RUNBOOK_CONFIG or the user''s config folder.'
    }
    Outputs     = @{ 'PostHogRunbook.Model.PostHogIncident' = 'With -PassThru: the incident after the change, Timeline included.' }
    Examples    = @(
        @{ Title = 'Take command and say what users see'; Code = 'Set-PostHogIncident -Id 20261129-075631-k3f9x2 -Commander alice -Impact ''Feature flags fall back to defaults in the US'' -PassThru'; Remarks = 'Two entries, Commander and Impact, written together; the incident is shown after the change.' }
        @{ Title = 'Note something on every open incident'; Code = 'Get-PostHogIncident -Status Investigating | Set-PostHogIncident -Note ''PostHog confirms the US ingestion outage on their status page'''; Remarks = 'Id binds from each piped incident; each gets one Note entry.' }
        @{ Title = 'Close it once PostHog recovered'; Code = 'Set-PostHogIncident 20261129-075631-k3f9x2 -Status Resolved -Note ''Fallback disabled again, error ratio back under 1%'''; Remarks = 'ResolvedAt is set; the next triage of the same deployment opens a new incident.' }
    )
    Links       = @('about_PostHogRunbook', 'Get-PostHogIncident', 'New-PostHogIncident')
}
