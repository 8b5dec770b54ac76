# The journal kept in the cluster (JournalStore Kubernetes) as PowerShell shows it: several pwsh processes, one
# on each "machine", writing to the lab's Kubernetes API at once; the size limit; a triage and a resolve racing to
# open the incident; Copy-PostHogIncident; the error records. Engine details are in xunit (KubernetesIncidentJournalTests).
BeforeAll {
    Import-Module $env:POSTHOGRUNBOOK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force
    $script:saved = @{}
    foreach ($name in 'POSTHOG_RUNBOOK_JOURNAL', 'POSTHOG_RUNBOOK_JOURNAL_STORE', 'POSTHOG_RUNBOOK_CONFIG', 'XDG_CONFIG_HOME') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    $env:POSTHOG_RUNBOOK_CONFIG = $null
    $env:POSTHOG_RUNBOOK_JOURNAL = $null
    $env:POSTHOG_RUNBOOK_JOURNAL_STORE = $null
    $env:XDG_CONFIG_HOME = Join-Path $TestDrive 'no-user-config'
    Set-PostHogRunbookConfig -Clear

    $script:healthy, $script:outage = Start-PostHogLab -Scenario healthy, us-outage
    $script:api = New-LabApiClient $healthy

    $script:pwsh = (Get-Process -Id $PID).Path
    $script:pwshArguments = @(if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { [Reflection.Assembly]::GetEntryAssembly().Location })

    # A fresh pwsh per writer, journaling to the cluster as a CI job is configured: by the environment.
    function Start-Writer([string] $Script, $Lab, [hashtable] $Environment = @{}) {
        $start = [Diagnostics.ProcessStartInfo]::new($pwsh)
        $full = "`$ErrorActionPreference = 'Stop'`nImport-Module '$env:POSTHOGRUNBOOK_MODULE'`n$Script"
        foreach ($argument in @($pwshArguments) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($full)))) {
            $start.ArgumentList.Add($argument)
        }
        $start.UseShellExecute = $false
        $start.WorkingDirectory = $TestDrive
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['POSTHOG_RUNBOOK_JOURNAL_STORE'] = 'Kubernetes'
        $start.Environment['POSTHOG_RUNBOOK_KUBECONFIG'] = $Lab.kubeconfig
        $start.Environment['POSTHOG_RUNBOOK_CONFIG'] = $null
        $start.Environment['XDG_CONFIG_HOME'] = $env:XDG_CONFIG_HOME
        foreach ($entry in $Environment.GetEnumerator()) { $start.Environment[$entry.Key] = $entry.Value }
        $process = [Diagnostics.Process]::Start($start)
        [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync() }
    }

    # Waits for every writer; their stdout lines. A writer that failed fails the test with its stderr.
    function Wait-Writer($Writers) {
        try {
            foreach ($writer in $Writers) {
                $writer.Process.WaitForExit()
                $writer.Process.ExitCode | Should -Be 0 -Because $writer.Errors.GetAwaiter().GetResult()
            }
            foreach ($writer in $Writers) { , @($writer.Output.GetAwaiter().GetResult() -split "`r?`n" | Where-Object { $_ }) }
        }
        finally {
            foreach ($writer in $Writers) { if (-not $writer.Process.HasExited) { $writer.Process.Kill($true) } }
        }
    }

    function Get-LabJournalMaps($Lab, [string] $Selector) {
        $client = New-LabApiClient $Lab
        try { @((Get-LabApi $client "/api/v1/namespaces/posthog/configmaps?labelSelector=$([uri]::EscapeDataString($Selector))").items) }
        finally { $client.Dispose() }
    }
}

AfterAll {
    if ($api) { $api.Dispose() }
    Stop-PostHogLab $healthy
    Stop-PostHogLab $outage
    Set-PostHogRunbookConfig -Clear
    foreach ($entry in $saved.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
}

Describe 'Several machines writing to one cluster incident' {
    It 'loses no note when four pwsh processes add 25 notes each to one incident at once' {
        $incident = New-PostHogIncident -Severity P2 -Summary 'Events delayed' -JournalStore Kubernetes -KubeConfig $healthy.kubeconfig -Confirm:$false
        $go = Join-Path $TestDrive 'go'
        $writers = foreach ($writer in 1..4) {
            Start-Writer @"
while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 20 }
foreach (`$note in 1..25) { Set-PostHogIncident -Id '$($incident.Id)' -Note "writer $writer note `$note" -Verbose 4>&1 | Where-Object { `$_ -like '*retried*' } | Select-Object -Last 1 | ForEach-Object Message }
"@ $healthy
        }
        Set-Content -LiteralPath $go -Value 'go'
        $null = Wait-Writer $writers

        $read = Get-PostHogIncident $incident.Id -JournalStore Kubernetes -KubeConfig $healthy.kubeconfig
        $notes = @($read.Timeline | Where-Object Kind -eq Note | ForEach-Object Message)
        $notes.Count | Should -Be 100
        foreach ($writer in 1..4) {
            @($notes | Where-Object { $_ -like "writer $writer note *" }) | Should -Be @(1..25 | ForEach-Object { "writer $writer note $_" })
        }
        $map = @(Get-LabJournalMaps $healthy "posthog-runbook/incident=$($incident.Id)")
        $map.Count | Should -Be 1
        $map[0].metadata.name | Should -Be "posthog-incident-$($incident.Id)"
        $map[0].metadata.labels.'app.kubernetes.io/managed-by' | Should -Be 'PostHogRunbook'
        @($map[0].data.'journal.jsonl' -split "`n" | Where-Object { $_ }).Count | Should -Be $read.Timeline.Count
    }

    It 'continues an incident past the size limit in a linked ConfigMap and reads it back whole' {
        $incident = New-PostHogIncident -Severity P3 -Summary 'Evidence pasted in' -JournalStore Kubernetes -KubeConfig $healthy.kubeconfig -Namespace posthog -Deployment big-notes -Confirm:$false
        $big = 'x' * 100KB
        foreach ($note in 1..12) { Set-PostHogIncident -Id $incident.Id -Note "evidence $note $big" -JournalStore Kubernetes -KubeConfig $healthy.kubeconfig -Confirm:$false }

        $read = Get-PostHogIncident $incident.Id -JournalStore Kubernetes -KubeConfig $healthy.kubeconfig
        $maps = @(Get-LabJournalMaps $healthy "posthog-runbook/incident=$($incident.Id)" | Sort-Object { [int] $_.metadata.labels.'posthog-runbook/part' })

        @($read.Timeline | Where-Object Kind -eq Note | ForEach-Object Message) | Should -Be @(1..12 | ForEach-Object { "evidence $_ $big" })
        $maps.metadata.name | Should -Be @("posthog-incident-$($incident.Id)", "posthog-incident-$($incident.Id)-2")
        $maps[0].metadata.annotations.'posthog-runbook/continued-in' | Should -Be "posthog-incident-$($incident.Id)-2"
        @(Get-PostHogLabRequest $healthy -Writes | Where-Object status -eq 422) | Should -BeNullOrEmpty
    }
}

Describe 'A triage and a resolve at once' {
    It 'ends in one incident however the two processes interleave' {
        $triage = @{
            POSTHOG_RUNBOOK_STATUS_PAGE_URL = $outage.statusPage; POSTHOG_RUNBOOK_HEALTH_URL = "$($outage.app)/health"; POSTHOG_RUNBOOK_POSTHOG_HOST = $outage.posthog
            POSTHOG_RUNBOOK_REGION = 'US'; POSTHOG_RUNBOOK_PROMETHEUS_URL = $outage.deadUrl; POSTHOG_RUNBOOK_TIMEOUT_SEC = '10'
        }
        $go = Join-Path $TestDrive 'go-triage'
        $ci = Start-Writer @"
`$report = Invoke-PostHogTriage
while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 5 }
`$opened = `$report | New-PostHogIncident -ErrorAction SilentlyContinue -ErrorVariable failed -Confirm:`$false
if (`$opened) { 'opened ' + `$opened.Id } else { 'refused ' + `$failed[0].FullyQualifiedErrorId + ' ' + `$failed[0].TargetObject }
"@ $outage $triage
        $sre = Start-Writer @"
`$report = Invoke-PostHogTriage
while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 5 }
'resolved ' + (`$report | Resolve-PostHogIncident -Confirm:`$false -RolloutTimeoutSec 120).Id
"@ $outage $triage
        Set-Content -LiteralPath $go -Value 'go'
        $ciSaid, $sreSaid = Wait-Writer @($ci, $sre)

        $incidents = @(Get-PostHogIncident -JournalStore Kubernetes -KubeConfig $outage.kubeconfig)
        $incidents.Count | Should -Be 1
        $id = $incidents[0].Id
        $sreSaid | Should -Be "resolved $id"
        $ciSaid | Should -BeIn @("opened $id", "refused IncidentAlreadyOpen,PostHogRunbook.Commands.NewPostHogIncidentCommand $id")
        $incidents[0].Status | Should -Be 'Mitigated'
        @($incidents[0].Actions | Where-Object Outcome -eq Applied).Count | Should -Be 1
    }
}

Describe 'Copy-PostHogIncident' {
    It 'copies a file incident with its times and actors, then copies nothing the second time' {
        $folder = Join-Path $TestDrive 'file-journal'
        $local = New-PostHogIncident -Severity P2 -Summary 'Seen on my laptop first' -JournalPath $folder -JournalStore File -KubeConfig $healthy.kubeconfig -Deployment copied-workload -Confirm:$false
        Set-PostHogIncident -Id $local.Id -Note 'Fallback enabled by hand' -Commander alice -JournalPath $folder -JournalStore File

        $copied = Get-PostHogIncident -JournalPath $folder -JournalStore File | Copy-PostHogIncident -JournalPath $folder -KubeConfig $healthy.kubeconfig -Confirm:$false
        $again = Copy-PostHogIncident $local.Id -JournalPath $folder -KubeConfig $healthy.kubeconfig -Confirm:$false -Verbose 4>&1
        $fromCluster = Get-PostHogIncident $local.Id -JournalStore Kubernetes -KubeConfig $healthy.kubeconfig

        $copied.Id | Should -Be $local.Id
        $copied.pstypenames[0] | Should -Be 'PostHogRunbook.Model.PostHogIncident#Detail'
        ($fromCluster | ConvertTo-Json -Depth 6) | Should -Be (Get-PostHogIncident $local.Id -JournalPath $folder -JournalStore File | ConvertTo-Json -Depth 6)
        @($again | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like '*already in kubernetes://*nothing written*' }).Count | Should -Be 1
        @(Get-LabJournalMaps $healthy "posthog-runbook/incident=$($local.Id)").Count | Should -Be 1
        Copy-PostHogIncident $local.Id -JournalPath $folder -KubeConfig $healthy.kubeconfig -WhatIf | Should -BeNullOrEmpty
    }
}

Describe 'Errors from the cluster journal' {
    It 'is IncidentNotFound for an id the namespace does not hold, naming where it looked' {
        { Get-PostHogIncident 20261129-075631-zzzzzz -JournalStore Kubernetes -KubeConfig $healthy.kubeconfig -ErrorAction Stop } |
            Should -Throw -ErrorId 'IncidentNotFound,*' -ExpectedMessage '*kubernetes://lab/posthog*'
    }

    It 'is InvalidSetting naming the variable for an unknown store' {
        $env:POSTHOG_RUNBOOK_JOURNAL_STORE = 'etcd'
        try { { Get-PostHogIncident -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSetting,*' -ExpectedMessage '*POSTHOG_RUNBOOK_JOURNAL_STORE*File or Kubernetes*' }
        finally { $env:POSTHOG_RUNBOOK_JOURNAL_STORE = $null }
    }

    It 'is KubernetesForbidden naming the verb when RBAC gives no configmaps' {
        Set-PostHogLabRbac $healthy -Yaml @'
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pods-only, namespace: posthog }
rules:
- { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }
'@ | Out-Null
        try {
            { Get-PostHogIncident -JournalStore Kubernetes -KubeConfig $healthy.kubeconfig -ErrorAction Stop } |
                Should -Throw -ErrorId 'KubernetesForbidden,*' -ExpectedMessage "*cannot list configmaps*'list' on 'configmaps'*"
        }
        finally { Clear-PostHogLabRbac $healthy }
    }
}
