@{
    Synopsis    = 'Shows the runbook profile in force, where each value came from, and the Kubernetes context it points at.'
    Description = @(
        'Every PostHogRunbook cmdlet takes its settings from, in order: its own parameters, the session (Set-PostHogRunbookConfig), a JSON config file (-ConfigPath, $env:POSTHOG_RUNBOOK_CONFIG, then PostHogRunbook/config.json in the user''s config folder), environment variables (POSTHOG_RUNBOOK_<SETTING>, POSTHOG_HOST, KUBECONFIG) and the runbook''s defaults. Get-PostHogRunbookConfig shows the result, with Sources naming the layer each value came from.'
        'The kubeconfig in force is read (through KubernetesClient) to show the context, its namespace and its API server. API keys are never shown: HasProjectApiKey and HasPersonalApiKey only say whether one is set.'
    )
    Parameters  = @{
        ConfigPath = 'A JSON config file to read instead of $env:POSTHOG_RUNBOOK_CONFIG or the user''s config folder. A file that holds a key is refused (ConfigFileHoldsSecret). The path means what it means in your shell: relative to the current location, ~ for your home, drive paths such as TestDrive:/x.'
        KubeConfig = 'The kubeconfig to describe instead of the configured one ($env:KUBECONFIG, a list merged as kubectl merges it, then ~/.kube/config). The path means what it means in your shell: relative to the current location, ~ for your home, drive paths such as TestDrive:/x.'
        Context    = 'The kube context to describe instead of the configured one or the kubeconfig''s current-context. Tab completes the kubeconfig''s contexts.'
    }
    Outputs     = @{ 'PostHogRunbook.Model.RunbookConfiguration' = 'Every setting in force, the region, whether keys are set, the kube context, namespace and server, and Sources.' }
    Examples    = @(
        @{ Title = 'What will the runbook talk to?'; Code = 'Get-PostHogRunbookConfig'; Remarks = 'Shows the PostHog host and region, the status page, Prometheus, the kube context and namespace, and where each came from.' }
        @{ Title = 'Check a team config file before a scheduled job uses it'; Code = 'Get-PostHogRunbookConfig -ConfigPath ./runbook.json | Select-Object -ExpandProperty Sources'; Remarks = 'Lists which settings the file provides and which fall back to the environment or the defaults.' }
    )
    Links       = @('about_PostHogRunbook', 'Set-PostHogRunbookConfig')
}
