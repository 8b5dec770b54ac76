@{
    Synopsis    = 'Sets the integration''s rate-limit mode (RATE_LIMIT_MODE), the runbooks request queuing for sustained 429s.'
    Description = @(
        'Set-PostHogRateLimitMode makes the write the runbook means by QueueRequests: RATE_LIMIT_MODE=queue (or another mode) in the integration container''s env, as a strategic-merge patch that leaves every other entry and container alone.'
        'The change is planned first (reads only), so -WhatIf shows the real before and after and writes nothing. It goes through ShouldProcess with ConfirmImpact High: automation passes -Confirm:$false. Already in the wanted state: nothing is written, the outcome is AlreadyInState. After the write the rollout is awaited with kubectl''s rollout-status logic, bounded by -RolloutTimeoutSec, and the change verified. RBAC refusals are KubernetesForbidden naming the verb, resource and namespace.'
    )
    Parameters  = @{
        Mode = 'queue (hold requests and retry with backoff), drop, or direct (normal); completed on Tab.'
        InputObject = 'A TriageReport (from Invoke-PostHogTriage) or a PostHogIncident, from the pipeline: its Target names the kubeconfig, context, namespace, deployment and secret to act on. Parameters typed on the command line win.'
        KubeConfig = 'The kubeconfig (default $env:KUBECONFIG, then ~/.kube/config).'
        Context = 'The kube context (default the kubeconfig''s current-context).'
        Namespace = 'The integration''s namespace (default the context''s namespace).'
        Deployment = 'The integration''s deployment (default posthog-integration).'
        Container = 'The integration''s container. Default: the one whose env or envFrom refers to POSTHOG_* or the secret; two such containers are the error ContainerAmbiguous.'
        SecretName = 'The secret holding the project key (default posthog-secrets).'
        SecretKey = 'The key inside that secret (default api-key).'
        PostHogHost = 'The PostHog host (default the profile, else the deployment''s POSTHOG_HOST).'
        ConfigPath = 'A JSON runbook profile to read settings from (see about_PostHogRunbook).'
        TimeoutSec = 'Each Kubernetes or PostHog request''s time limit in seconds (default 10).'
        RolloutTimeoutSec = 'How long to wait for the rollout after the change (default 300). A rollout still stuck then, or one the deployment reports as ProgressDeadlineExceeded, is the error RolloutTimedOut.'
        IncidentId = 'The incident to journal the change in (default: the piped incident, else the target''s open incident; with none, the change is not journaled).'
        JournalPath = 'The journal folder (default the profile''s JournalPath, $env:POSTHOG_RUNBOOK_JOURNAL, else the user''s data folder).'
        JournalStore = 'Where the journal lives: File (the default; the JournalPath folder) or Kubernetes (ConfigMaps in the profile''s namespace, shared by everyone who reaches the cluster). Default the JournalStore setting ($env:POSTHOG_RUNBOOK_JOURNAL_STORE).'
        Force = 'Take the deployment''s remediation lock (the Lease posthog-runbook-<deployment>) even while another writer holds it; without -Force that is the error RemediationInProgress naming the holder and since when. Use it only when that holder is gone (an expired lease is taken over without it). The takeover is journaled and warned.'
        NoWait = 'Make the change and return without waiting for the rollout (nothing is verified).'
    }
    Outputs     = @{ 'PostHogRunbook.Model.RemediationResult' = 'Action, Target, Container, Setting, Before, After, Outcome (Applied, AlreadyInState, Skipped, Failed), Rollout (state and replica counts), Verification, Duration and Undo.' }
    Examples    = @(
        @{ Title = 'Queue requests while PostHog throttles us'; Code = 'Set-PostHogRateLimitMode -Mode queue -Confirm:$false'; Remarks = 'Sets RATE_LIMIT_MODE=queue, waits for the rollout and checks the rolled-out template.' }
        @{ Title = 'Back to normal after the incident'; Code = 'Set-PostHogRateLimitMode direct -Context prod-eu -Confirm:$false'; Remarks = 'The same change the other way.' }
    )
    Links       = @('Resolve-PostHogIncident', 'Undo-PostHogRemediation')
}
