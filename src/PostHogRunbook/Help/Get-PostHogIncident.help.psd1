@{
    Synopsis    = 'Reads incidents back from the incident journal: all of them newest first, some by status, or one by id.'
    Description = @(
        'Every incident the runbook opens (New-PostHogIncident, Resolve-PostHogIncident) is an append-only journal: one JSON-lines file per incident in the journal folder. Get-PostHogIncident folds each file''s entries into a PostHogIncident: its target, category and severity, status, commander, impact, every triage verdict, every change made with its value before and after, and the Timeline of who did what when.'
        'Without -Id it lists every incident, newest first, as a table; with -Id it shows each named incident whole, Timeline included. An id the journal does not hold is the error IncidentNotFound, and the other ids are still read.'
        'The journal folder is -JournalPath, else the JournalPath setting (Set-PostHogRunbookConfig, the config file, $env:POSTHOG_RUNBOOK_JOURNAL), else PostHogRunbook/incidents in the user''s data folder (~/.local/share on Linux, honouring XDG_DATA_HOME). Several shells and jobs can share one folder.'
    )
    Parameters  = @{
        Id          = 'The incident ids to show (20261129-075631-k3f9x2). Binds from the pipeline by property name, so any object with an Id property selects its incident.'
        Status      = 'Only incidents in one of these states: Investigating, Identified, Mitigated, Monitoring, Resolved.'
        JournalPath = 'The journal folder to read. A relative path is relative to the current location; ~ is the home folder.'
        JournalStore = 'Where the journal lives: File (the default; the JournalPath folder) or Kubernetes (ConfigMaps in the profile''s namespace, shared by everyone who reaches the cluster). Default the JournalStore setting ($env:POSTHOG_RUNBOOK_JOURNAL_STORE).'
        KubeConfig  = 'With JournalStore Kubernetes: the kubeconfig of the cluster that keeps the journal (default $env:KUBECONFIG, then ~/.kube/config).'
        Context     = 'With JournalStore Kubernetes: the kube context of that cluster (default the kubeconfig''s current-context).'
        Namespace   = 'With JournalStore Kubernetes: the namespace whose ConfigMaps hold the incidents (default the context''s namespace).'
        ConfigPath  = 'A JSON config file to read the JournalPath setting from, instead of $env:POSTHOG_RUNBOOK_CONFIG or the user''s config folder.'
    }
    Outputs     = @{ 'PostHogRunbook.Model.PostHogIncident' = 'One per incident: Id, Target, Category, Severity, Status, StartedAt, UpdatedAt, ResolvedAt, Commander, Impact, Reports, Actions, Timeline.' }
    Examples    = @(
        @{ Title = 'What is still open?'; Code = 'Get-PostHogIncident -Status Investigating, Identified, Mitigated, Monitoring'; Remarks = 'The open incidents, newest first, as a table of Id, Status, Severity, Category, Target and StartedAt (ISO 8601, UTC).' }
        @{ Title = 'The whole story of one incident'; Code = 'Get-PostHogIncident 20261129-075631-k3f9x2 | Select-Object -ExpandProperty Timeline'; Remarks = 'Every entry, oldest first: when, what kind, what happened and who did it.' }
        @{ Title = 'Read the team''s journal in the cluster'; Code = 'Get-PostHogIncident -JournalStore Kubernetes -Context prod-us -Namespace posthog'; Remarks = 'Every incident of the namespace (its ConfigMaps labelled app.kubernetes.io/managed-by=PostHogRunbook), whoever wrote it: the CI job''s triage and the on-call''s fixes in one incident.' }
        @{ Title = 'Read the journal a CI job writes'; Code = 'Get-PostHogIncident -JournalPath /srv/runbook/incidents | Where-Object Severity -eq P1'; Remarks = 'Any folder can be a journal: several shells and jobs can append to one at once.' }
    )
    Links       = @('about_PostHogRunbook', 'Set-PostHogIncident', 'New-PostHogIncident')
}
