@{
    Synopsis    = 'Applies the runbook''s remediation for each piped triage verdict, verifies it, and keeps the incident''s journal.'
    Description = @(
        'Resolve-PostHogIncident takes TriageReports from the pipeline (several: one per context) and, for each, opens an incident for its target or continues the open one (-IncidentId names one), records the triage, and applies the report''s RecommendedAction through the remediation primitives: EnableFallback sets POSTHOG_FALLBACK=true (Set-PostHogFallback), QueueRequests sets RATE_LIMIT_MODE=queue (Set-PostHogRateLimitMode), RotateApiKey rotates the key to -NewApiKey (Update-PostHogApiKey; without it the error NewApiKeyRequired says how to pass one), RestartIntegration restarts the rollout (Restart-PostHogIntegration). Monitor and None change nothing; Escalate records and changes nothing.'
        'After a change it waits for the rollout and checks what motivated it again (the env in the rolled-out template, the probe after a rotation, the workload after a restart). The incident comes back Mitigated when the change holds (or was already in place), Monitoring for a Monitor verdict, still Investigating when the change failed or did not hold; every step is on its Timeline. A failed change (KubernetesForbidden, SecretConflict, RolloutTimedOut) is journaled and written as that report''s error; the next report goes on.'
        '-WhatIf shows the plan and changes nothing, neither in the cluster nor in the journal. Production changes are ConfirmImpact High: automation passes -Confirm:$false. A second run finds the change in place and writes nothing to the cluster.'
    )
    Parameters  = @{
        NewApiKey = 'The new project key (phc_...) as a SecureString, for a RotateApiKey verdict.'
        InputObject = 'TriageReports from Invoke-PostHogTriage, one per target.'
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
        IncidentId = 'Continue this incident instead of the target''s open one.'
        JournalPath = 'The journal folder (default the profile''s JournalPath, $env:POSTHOG_RUNBOOK_JOURNAL, else the user''s data folder).'
        JournalStore = 'Where the journal lives: File (the default; the JournalPath folder) or Kubernetes (ConfigMaps in the profile''s namespace, shared by everyone who reaches the cluster). Default the JournalStore setting ($env:POSTHOG_RUNBOOK_JOURNAL_STORE).'
        Force = 'Take the deployment''s remediation lock (the Lease posthog-runbook-<deployment>) even while another writer holds it; without -Force that is the error RemediationInProgress naming the holder and since when. Use it only when that holder is gone (an expired lease is taken over without it). The takeover is journaled and warned.'
    }
    Outputs     = @{ 'PostHogRunbook.Model.PostHogIncident' = 'The incident after the step: Id, Status, Severity, Category, Target, Reports, Actions (before/after, outcome, undo) and Timeline.' }
    Examples    = @(
        @{ Title = 'The customer''s pipeline: triage, then fix'; Code = 'Invoke-PostHogTriage | Resolve-PostHogIncident -Confirm:$false'; Remarks = 'For an outage: POSTHOG_FALLBACK=true in the integration container, the rollout awaited, the incident Mitigated.' }
        @{ Title = 'See the plan first'; Code = 'Invoke-PostHogTriage | Resolve-PostHogIncident -WhatIf'; Remarks = 'Prints what would be written; neither the cluster nor the journal changes.' }
        @{ Title = 'A rejected key'; Code = 'Invoke-PostHogTriage | Resolve-PostHogIncident -NewApiKey (Read-Host -AsSecureString -Prompt ''New key'') -Confirm:$false'; Remarks = 'The key is checked against /flags first, backed up, replaced with a resourceVersion precondition, and the rollout restarted.' }
    )
    Links       = @('Invoke-PostHogTriage', 'Get-PostHogIncident', 'Undo-PostHogRemediation', 'Set-PostHogFallback')
}
