@{
    Synopsis    = 'Takes back the changes an incident made, newest first: each env variable to its recorded previous value, the key from its backup Secret.'
    Description = @(
        'Undo-PostHogRemediation reads the incident''s journal and, for every change that was applied and not taken back yet, newest first, restores what it replaced: POSTHOG_FALLBACK or RATE_LIMIT_MODE to the value recorded before (removed when it was absent), the project key from the backup Secret the rotation made (then the rollout restarted). A restart has nothing to take back. Each undo is planned, shown (ShouldProcess, ConfirmImpact High), applied, awaited and journaled as an Undo entry; running it again finds nothing left to undo.'
    )
    Parameters  = @{
        InputObject = 'A PostHogIncident (from Get-PostHogIncident) whose changes to take back.'
        KubeConfig = 'The kubeconfig (default the report''s or incident''s, else $env:KUBECONFIG, then ~/.kube/config).'
        Context = 'The kube context (default the report''s or incident''s, else the kubeconfig''s current-context).'
        Namespace = 'The integration''s namespace (default the report''s, else the context''s namespace).'
        Deployment = 'The integration''s deployment (default the report''s, else posthog-integration).'
        Container = 'The integration''s container. Default: the one whose env or envFrom refers to POSTHOG_* or the secret; two such containers are the error ContainerAmbiguous.'
        SecretName = 'The secret holding the project key (default posthog-secrets).'
        SecretKey = 'The key inside that secret (default api-key).'
        PostHogHost = 'The PostHog host (default the report''s, else the deployment''s POSTHOG_HOST).'
        ConfigPath = 'A JSON runbook profile to read settings from (see about_PostHogRunbook).'
        TimeoutSec = 'Each Kubernetes or PostHog request''s time limit in seconds (default 10).'
        RolloutTimeoutSec = 'How long to wait for each rollout (default 300). A rollout still stuck then, or one the deployment reports as ProgressDeadlineExceeded, is the error RolloutTimedOut.'
        NoWait = 'Make each change and go on without waiting for its rollout (nothing is verified).'
        IncidentId = 'The incident whose changes to take back.'
        JournalPath = 'The journal folder (default the profile''s JournalPath, $env:POSTHOG_RUNBOOK_JOURNAL, else the user''s data folder).'
        JournalStore = 'Where the journal lives: File (the default; the JournalPath folder) or Kubernetes (ConfigMaps in the profile''s namespace, shared by everyone who reaches the cluster). Default the JournalStore setting ($env:POSTHOG_RUNBOOK_JOURNAL_STORE).'
        Force = 'Take the deployment''s remediation lock (the Lease posthog-runbook-<deployment>) even while another writer holds it; without -Force that is the error RemediationInProgress naming the holder and since when. Use it only when that holder is gone (an expired lease is taken over without it). The takeover is journaled and warned.'
    }
    Outputs     = @{ 'PostHogRunbook.Model.RemediationResult' = 'One per change taken back: Setting, Before (what the undo replaced), After (what it restored), Outcome, Rollout.' }
    Examples    = @(
        @{ Title = 'Take back what an incident changed'; Code = 'Undo-PostHogRemediation -IncidentId 20261202-051500-k3f9x2 -Confirm:$false'; Remarks = 'Fallback off again, the old key back, newest change first.' }
        @{ Title = 'From the journal, after a false alarm'; Code = 'Get-PostHogIncident -Status Mitigated | Select-Object -First 1 | Undo-PostHogRemediation -WhatIf'; Remarks = 'Shows what would be restored without changing anything.' }
    )
    Links       = @('Resolve-PostHogIncident', 'Get-PostHogIncident')
}
