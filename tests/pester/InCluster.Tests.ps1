# In a pod: the packaged module in fresh pwsh processes with no kubeconfig anywhere (KUBECONFIG unset, an empty
# HOME), KUBERNETES_SERVICE_HOST/PORT at the lab's Kubernetes API and the lab's service account mount
# (<state-dir>/serviceaccount: token, ca.crt, namespace) through POSTHOG_RUNBOOK_SERVICEACCOUNT_PATH: what the
# CronJob of deploy/ sees. And deploy/ as the real kubectl reads it.
BeforeAll {
    Import-Module $env:POSTHOGRUNBOOK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force
    $script:Deploy = (Resolve-Path (Join-Path $PSScriptRoot '../../deploy')).Path
    $script:HasKubectl = [bool] (Get-Command kubectl -CommandType Application -ErrorAction Ignore)
    $script:ServiceAccountUser = 'system:serviceaccount:posthog:posthog-runbook'
    # The folder that holds PostHogRunbook/<version>/: Import-Module PostHogRunbook finds the package by name, as in the image.
    $script:ModuleRoot = Split-Path (Split-Path (Split-Path $env:POSTHOGRUNBOOK_MODULE))

    # The remediate Role enforced from the start, for the kubeconfig's user and the service account alike.
    $script:lab = Start-PostHogLab -Scenario 'us-outage' -RbacRole (Join-Path $Deploy 'role-remediate.yaml')

    # The CronJob's script: the block scalar of its container's args (kubectl's own reading is compared below).
    function Get-CronJobScript {
        $lines = Get-Content -LiteralPath (Join-Path $Deploy 'cronjob.yaml')
        $start = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^\s*args:\s*$' })
        $start | Should -BeGreaterThan 0 -Because 'the CronJob passes its script as args'
        $lines[$start + 1] | Should -Match '^\s*- \|$'
        $body = [Collections.Generic.List[string]]::new()
        $indent = $null
        foreach ($line in $lines[($start + 2)..($lines.Count - 1)]) {
            $width = $line.Length - $line.TrimStart().Length
            if ($null -eq $indent) { $indent = $width }
            if ($line.Trim() -and $width -lt $indent) { break }
            $body.Add($(if ($line.Length -ge $indent) { $line.Substring($indent) } else { '' }))
        }
        ($body -join "`n").TrimEnd() + "`n"
    }

    # A fresh pwsh as the pod runs it: no kubeconfig (KUBECONFIG and every POSTHOG_RUNBOOK_* of this session removed,
    # an empty HOME), the service host and mount of the lab, and the given variables. Returns exit code and output.
    function Invoke-PodPwsh([string] $Script, [hashtable] $Environment = @{}) {
        $podHome = Join-Path $TestDrive ('home-' + [guid]::NewGuid().ToString('n').Substring(0, 6))
        New-Item -ItemType Directory -Path $podHome | Out-Null
        $server = [uri] $lab.kubernetes
        $pod = @{
            HOME                                = $podHome
            NO_COLOR                            = '1'
            PSModulePath                        = $ModuleRoot + [IO.Path]::PathSeparator + $env:PSModulePath
            KUBERNETES_SERVICE_HOST             = $server.Host
            KUBERNETES_SERVICE_PORT             = [string] $server.Port
            POSTHOG_RUNBOOK_SERVICEACCOUNT_PATH = Join-Path $lab.stateDir 'serviceaccount'
        }
        foreach ($entry in $Environment.GetEnumerator()) { $pod[$entry.Key] = $entry.Value }
        $run = Wait-FreshPwsh (Start-FreshPwsh $Script -Environment $pod -Remove 'KUBECONFIG', 'POSTHOG_RUNBOOK_*', 'KUBERNETES_*' -WorkingDirectory $podHome)
        [pscustomobject]@{ ExitCode = $run.ExitCode; Output = $run.Output + $run.Errors }
    }

    # The CronJob's own settings, with the services it names pointed at the lab (no Prometheus: a dead URL).
    function Get-PodSettings {
        @{
            POSTHOG_RUNBOOK_DEPLOYMENT     = 'posthog-integration'
            POSTHOG_RUNBOOK_SELECTOR       = 'app=posthog-integration'
            POSTHOG_RUNBOOK_SECRET_NAME    = 'posthog-secrets'
            POSTHOG_RUNBOOK_HEALTH_URL     = "$($lab.app)/health"
            POSTHOG_RUNBOOK_PROMETHEUS_URL = $lab.deadUrl
            POSTHOG_RUNBOOK_STATUS_PAGE_URL = $lab.statusPage
            POSTHOG_RUNBOOK_TIMEOUT_SEC    = '10'
            POSTHOG_RUNBOOK_JOURNAL_STORE  = 'Kubernetes'
            POSTHOG_RUNBOOK_SERVICE_ACCOUNT = 'posthog-runbook'
        }
    }
}

AfterAll { if ($lab) { Stop-PostHogLab $lab } }

Describe 'deploy/ as the real kubectl reads it, against the lab' {
    # Who installs deploy/ is a cluster admin, not the runbook: no Role enforced here (apply reads each object first).
    BeforeAll { Clear-PostHogLabRbac $lab }
    AfterAll { Set-PostHogLabRbac $lab -Path (Join-Path $Deploy 'role-remediate.yaml') | Out-Null }
    BeforeEach {
        if (-not $HasKubectl) { Set-ItResult -Skipped -Because 'kubectl is not on PATH: deploy/ is checked by the real kubectl' }
    }

    It 'kubectl apply --dry-run=<mode> -f deploy/ accepts every manifest and creates nothing' -ForEach @(
        @{ Mode = 'client'; Said = '(dry run)' }, @{ Mode = 'server'; Said = '(server dry run)' }
    ) {
        Clear-PostHogLabRequest $lab
        $output = & kubectl --kubeconfig $lab.kubeconfig apply "--dry-run=$Mode" -f $Deploy 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $output | Should -Contain "cronjob.batch/posthog-runbook created $Said"
        $output | Should -Contain "serviceaccount/posthog-runbook created $Said"
        $output | Should -Contain "role.rbac.authorization.k8s.io/posthog-runbook-triage created $Said"
        $output | Should -Contain "role.rbac.authorization.k8s.io/posthog-runbook-remediate created $Said"
        $output | Should -Contain "rolebinding.rbac.authorization.k8s.io/posthog-runbook-triage created $Said"
        $output | Should -Contain "rolebinding.rbac.authorization.k8s.io/posthog-runbook-remediate created $Said"
        @(Get-PostHogLabRequest $lab -Writes) | Should -BeNullOrEmpty
    }

    It 'reads the CronJob''s script exactly as this file does' {
        $json = & kubectl --kubeconfig $lab.kubeconfig apply --dry-run=client -f (Join-Path $Deploy 'cronjob.yaml') -o json | ConvertFrom-Json
        $LASTEXITCODE | Should -Be 0
        $container = $json.spec.jobTemplate.spec.template.spec.containers[0]
        $container.command | Should -Be @('pwsh', '-NoProfile', '-NonInteractive', '-Command')
        $container.args[0] | Should -BeExactly (Get-CronJobScript)
    }
}

Describe 'The CronJob''s script' {
    It 'parses as PowerShell and calls only commands that exist, with parameters they have' {
        $tokens = $null; $errors = $null
        $ast = [Management.Automation.Language.Parser]::ParseInput((Get-CronJobScript), [ref] $tokens, [ref] $errors)
        $errors | Should -BeNullOrEmpty
        $commands = $ast.FindAll({ param($node) $node -is [Management.Automation.Language.CommandAst] }, $true)
        @($commands.GetCommandName()) | Should -Be @('Import-Module', 'Invoke-PostHogTriage', 'Format-List', 'Resolve-PostHogIncident')
        foreach ($command in $commands) {
            $info = Get-Command $command.GetCommandName() -ErrorAction Stop
            foreach ($parameter in $command.CommandElements | Where-Object { $_ -is [Management.Automation.Language.CommandParameterAst] }) {
                $info.Parameters.Keys | Should -Contain $parameter.ParameterName -Because "$($info.Name) -$($parameter.ParameterName)"
            }
        }
    }

    It 'run as the pod runs it, triages in-cluster, resolves the P1 and journals it as the service account' {
        Clear-PostHogLabRequest $lab
        $run = Invoke-PodPwsh (Get-CronJobScript) (Get-PodSettings)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'Target\s+: in-cluster/posthog/posthog-integration'
        $run.Output | Should -Match 'Severity\s+: P1'
        $run.Output | Should -Match 'Status\s+: Mitigated'

        # The one write to the workload: the fallback patch, through the service account (the only credential in the
        # pod); the rest are the journal's ConfigMaps (and the remediation lock, once it lands).
        $all = @(Get-PostHogLabRequest $lab -Writes)
        @($all | Where-Object resource -notin 'deployments', 'configmaps', 'leases') | Should -BeNullOrEmpty
        @($all | Where-Object resource -eq 'configmaps') | Should -Not -BeNullOrEmpty -Because 'the CronJob journals to the cluster'
        $writes = @($all | Where-Object resource -eq 'deployments')
        $writes.Count | Should -Be 1
        $writes[0].verb | Should -Be 'patch'
        $writes[0].resource | Should -Be 'deployments'
        $writes[0].status | Should -Be 200

        $incident = Get-PostHogIncident -JournalStore Kubernetes -KubeConfig $lab.kubeconfig | Select-Object -First 1
        $incident.Status | Should -Be 'Mitigated'
        $incident.Target.Context | Should -Be 'in-cluster'
        ($incident.Actions | Select-Object -Last 1).Outcome | Should -Be 'Applied'
        @($incident.Timeline.Actor | Select-Object -Unique) | Should -Be @($ServiceAccountUser)
    }

    It 'a second run finds the fix in place, patches nothing and continues the same incident' {
        Clear-PostHogLabRequest $lab
        $run = Invoke-PodPwsh (Get-CronJobScript) (Get-PodSettings)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        @(Get-PostHogLabRequest $lab -Writes | Where-Object resource -notin 'configmaps', 'leases') | Should -BeNullOrEmpty
        @(Get-PostHogIncident -JournalStore Kubernetes -KubeConfig $lab.kubeconfig).Count | Should -Be 1
    }
}

Describe 'The module in a pod, as its service account' {
    It 'shows the in-cluster target, and a refusal of the API names the service account' {
        Set-PostHogLabRbac $lab -Path (Join-Path $Deploy 'role-triage.yaml') | Out-Null
        try {
            $run = Invoke-PodPwsh @'
$config = Get-PostHogRunbookConfig
"config: $($config.Context) $($config.Namespace) $($config.KubeServer) $($config.Sources['KubeConfig'])"
try {
    Set-PostHogFallback -Enabled $false -Confirm:$false -ErrorAction Stop | Out-Null
    'refused: no'
} catch {
    "refused: $($_.FullyQualifiedErrorId) | $($_.Exception.Message)"
}
'@ (Get-PodSettings)
        } finally {
            Set-PostHogLabRbac $lab -Path (Join-Path $Deploy 'role-remediate.yaml') | Out-Null
        }
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match ([regex]::Escape("config: in-cluster posthog $($lab.kubernetes) InCluster"))
        $run.Output | Should -Match 'refused: KubernetesForbidden,'
        # The remediation lock is the first write the triage Role refuses, before any patch.
        $run.Output | Should -Match ([regex]::Escape("User ""$ServiceAccountUser"" cannot create resource ""leases"""))
    }

    It 'a mount without a token is ServiceAccountTokenUnreadable, naming the file' {
        $mount = Join-Path $TestDrive 'no-token'
        New-Item -ItemType Directory -Path $mount | Out-Null
        Copy-Item (Join-Path $lab.stateDir 'serviceaccount/ca.crt'), (Join-Path $lab.stateDir 'serviceaccount/namespace') $mount
        $settings = Get-PodSettings
        $settings['POSTHOG_RUNBOOK_SERVICEACCOUNT_PATH'] = $mount
        $run = Invoke-PodPwsh @'
try { Restart-PostHogIntegration -Confirm:$false -ErrorAction Stop | Out-Null; 'failed: no' }
catch { "failed: $($_.FullyQualifiedErrorId) | $($_.Exception.Message)" }
'@ $settings
        $run.Output | Should -Match 'failed: ServiceAccountTokenUnreadable,'
        $run.Output | Should -Match ([regex]::Escape((Join-Path $mount 'token')))
    }
}
