# Every input an SRE types works or fails clearly (issue 8, items 6-11): paths as PowerShell resolves them,
# kubeconfigs as kubectl reads them, settings checked alike from every source, -FailOnSeverity/-Debug/
# -ErrorAction as pwsh users expect, the region of an explicit host, and no credential of a URL ever shown.
BeforeAll {
    Import-Module $env:POSTHOGRUNBOOK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force
    $script:lab = Start-PostHogLab -Scenario us-outage
    $script:variables = 'POSTHOG_RUNBOOK_CONFIG', 'POSTHOG_RUNBOOK_TIMEOUT_SEC', 'POSTHOG_RUNBOOK_REGION', 'POSTHOG_RUNBOOK_KUBECONFIG', 'KUBECONFIG', 'XDG_CONFIG_HOME', 'POSTHOG_HOST'
    $script:saved = @{}
    foreach ($name in $variables) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }

    # This very pwsh, started fresh and non-interactive (dotnet + pwsh.dll, or the pwsh executable).
    $script:pwsh = (Get-Process -Id $PID).Path
    $script:pwshArguments = @(if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { [Reflection.Assembly]::GetEntryAssembly().Location })
    function Invoke-FreshPwsh([string] $Script) {
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes("`$PSStyle.OutputRendering = 'PlainText'`n" + $Script))
        $output = & $pwsh @pwshArguments -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($output | ForEach-Object { "$_" }) -join "`n" }
    }

    function Write-Text([string] $Path, [string] $Text) {
        New-Item -ItemType Directory -Force -Path (Split-Path $Path) | Out-Null
        Set-Content -LiteralPath $Path -Value $Text -NoNewline
        $Path
    }

    $script:labKubeconfig = $lab.kubeconfig

    # Each test starts from nothing: no session values, none of the variables, no user config file.
    function Reset-Profile {
        Set-PostHogRunbookConfig -Clear
        foreach ($name in $variables) { [Environment]::SetEnvironmentVariable($name, $null) }
        $env:XDG_CONFIG_HOME = Join-Path $TestDrive 'no-user-config'
    }
}

AfterAll {
    Set-PostHogRunbookConfig -Clear
    foreach ($entry in $saved.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
    Stop-PostHogLab $lab
}

Describe 'Paths resolve as PowerShell resolves them (item 6)' {
    BeforeEach { Reset-Profile }

    BeforeAll {
        $script:work = Join-Path $TestDrive 'work'
        Write-Text (Join-Path $work 'runbook.json') '{ "Deployment": "from-relative-path" }' | Out-Null
        Copy-Item $labKubeconfig (Join-Path $work 'kubeconfig')
    }

    It 'takes -ConfigPath and -KubeConfig relative to $PWD, not to the process''s directory' {
        Push-Location $work
        try {
            [Environment]::CurrentDirectory | Should -Not -Be $work -Because 'Set-Location does not move the process'
            $config = Get-PostHogRunbookConfig -ConfigPath ./runbook.json -KubeConfig kubeconfig
            $config.Deployment | Should -Be 'from-relative-path'
            $config.ConfigPath | Should -Be (Join-Path $work 'runbook.json')
            $config.KubeConfig | Should -Be (Join-Path $work 'kubeconfig')
            $config.Context | Should -Be 'lab'
            $report = Invoke-PostHogTriage -KubeConfig ./kubeconfig -Check Workload -TimeoutSec 10
            ($report.Checks | Where-Object Name -eq Workload).Status | Should -Be 'Pass'
        }
        finally { Pop-Location }
    }

    It 'accepts drive-qualified and provider-qualified paths' {
        (Get-PostHogRunbookConfig -ConfigPath 'TestDrive:/work/runbook.json').Deployment | Should -Be 'from-relative-path'
        (Get-PostHogRunbookConfig -ConfigPath "FileSystem::$work/runbook.json").Deployment | Should -Be 'from-relative-path'
    }

    It 'expands ~ to the home folder' {
        $homeFolder = Join-Path $TestDrive 'home'
        Write-Text (Join-Path $homeFolder 'runbook.json') '{ "Deployment": "from-home" }' | Out-Null
        # pwsh reads HOME once, when it starts: the fresh one starts with a home of the test's own.
        $savedHome = $env:HOME
        try {
            $env:HOME = $homeFolder
            $result = Invoke-FreshPwsh @"
Import-Module '$env:POSTHOGRUNBOOK_MODULE'
(Get-PostHogRunbookConfig -ConfigPath ~/runbook.json).Deployment
"@
        }
        finally { $env:HOME = $savedHome }
        $result.Text | Should -Match 'from-home'
    }

    It 'stores the full path in the session, so a later cd changes nothing' {
        Push-Location $work
        try { Set-PostHogRunbookConfig -KubeConfig ./kubeconfig }
        finally { Pop-Location }
        (Get-PostHogRunbookConfig).KubeConfig | Should -Be (Join-Path $work 'kubeconfig')
        (Get-PostHogRunbookConfig).Context | Should -Be 'lab'
    }

    It 'refuses a path of another provider as InvalidSetting' {
        { Invoke-PostHogTriage -KubeConfig 'Env:/PATH' -Check Workload } | Should -Throw -ErrorId 'InvalidSetting,*' -ExpectedMessage '*not a file system path*'
        { Set-PostHogRunbookConfig -KubeConfig 'Variable:/PWD' } | Should -Throw -ErrorId 'InvalidSetting,*'
    }
}

Describe 'Kubeconfig as kubectl reads it (item 7)' {
    BeforeEach { Reset-Profile }

    It 'merges a KUBECONFIG list, skipping its missing files' {
        $other = Write-Text (Join-Path $TestDrive 'other.yaml') @'
apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:9' } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: elsewhere, context: { cluster: c, user: u } }]
'@
        $env:KUBECONFIG = (Join-Path $TestDrive 'missing.yaml'), $other, $labKubeconfig -join [IO.Path]::PathSeparator
        $config = Get-PostHogRunbookConfig -WarningVariable warnings 3>$null
        $config.Context | Should -Be 'lab' -Because 'the first current-context of the list is the lab''s'
        $config.KubeServer | Should -Be $lab.kubernetes
        "$warnings" | Should -Match 'missing\.yaml.*skipped'
        $report = Invoke-PostHogTriage -Check Workload -TimeoutSec 10
        ($report.Checks | Where-Object Name -eq Workload).Status | Should -Be 'Pass'
        $report.Target.Context | Should -Be 'lab'
    }

    It 'names an empty file KubeConfigInvalid (never a NullReferenceException)' {
        $empty = Write-Text (Join-Path $TestDrive 'empty.kubeconfig') ''
        Get-PostHogRunbookConfig -KubeConfig $empty -WarningVariable warnings 3>$null | Should -Not -BeNullOrEmpty
        "$warnings" | Should -BeLike 'KubeConfigInvalid: *is empty*'
        $workload = (Invoke-PostHogTriage -KubeConfig $empty -Check Workload -ErrorAction SilentlyContinue).Checks | Where-Object Name -eq Workload
        $workload.ErrorId | Should -Be 'KubeConfigInvalid'
        $workload.Error | Should -Not -Match 'NullReference|Object reference'
    }

    It 'names a contextless file and a folder KubeConfigInvalid, a folder never "does not exist"' {
        $contextless = Write-Text (Join-Path $TestDrive 'contextless.yaml') "apiVersion: v1`nkind: Config`nclusters: []`n"
        Get-PostHogRunbookConfig -KubeConfig $contextless -WarningVariable warnings 3>$null | Out-Null
        "$warnings" | Should -BeLike 'KubeConfigInvalid: *defines no contexts*'
        Get-PostHogRunbookConfig -KubeConfig $TestDrive -WarningVariable folder 3>$null | Out-Null
        "$folder" | Should -BeLike 'KubeConfigInvalid: *is a folder*'
        "$folder" | Should -Not -Match 'does not exist'
    }

    It 'says plainly that a context''s cluster or user is missing' {
        $broken = Write-Text (Join-Path $TestDrive 'broken.yaml') @'
apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:9' } }]
contexts: [{ name: ctx, context: { cluster: c, user: nobody } }]
current-context: ctx
'@
        Get-PostHogRunbookConfig -KubeConfig $broken -WarningVariable warnings 3>$null | Out-Null
        "$warnings" | Should -BeLike "KubeConfigInvalid: *context 'ctx' names user 'nobody', which it does not define*"
    }
}

Describe 'Every setting is validated the same way wherever it comes from (item 8)' {
    BeforeEach { Reset-Profile }

    It 'refuses TimeoutSec <_> from the environment as InvalidSetting naming the variable' -ForEach '0', '-5', '99999', 'abc' {
        $env:POSTHOG_RUNBOOK_TIMEOUT_SEC = $_
        { Get-PostHogStatus -StatusPageUrl $lab.statusPage } | Should -Throw -ErrorId 'InvalidSetting,*' -ExpectedMessage "*TimeoutSec*'$_'*POSTHOG_RUNBOOK_TIMEOUT_SEC*1 to 600*"
        { Invoke-PostHogTriage -StatusPageUrl $lab.statusPage -Check StatusPage } | Should -Throw -ErrorId 'InvalidSetting,*'
    }

    It 'refuses TimeoutSec <_> from the config file as InvalidSetting naming the file' -ForEach 0, -5, 99999, 'abc' {
        $file = Write-Text (Join-Path $TestDrive 'timeout.json') (@{ TimeoutSec = $_ } | ConvertTo-Json)
        $failure = { Get-PostHogStatus -StatusPageUrl $lab.statusPage -ConfigPath $file } | Should -Throw -ErrorId 'InvalidSetting,*' -PassThru
        $failure.Exception.Message | Should -BeLike "*the config file '$file'*"
        $failure.ErrorDetails.RecommendedAction | Should -BeLike "Fix or remove `"TimeoutSec`" in $file*"
    }

    It 'refuses -TimeoutSec <_> at the parameter, as before' -ForEach 0, -5, 99999 {
        { Get-PostHogStatus -StatusPageUrl $lab.statusPage -TimeoutSec $_ } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'warns of unknown keys and wrong types in the config file, naming them' {
        $file = Write-Text (Join-Path $TestDrive 'typos.json') '{ "Timeout": 30, "Deployment": 5, "StatusPageUrl": "URL" }'
        $status = Get-PostHogStatus -StatusPageUrl $lab.statusPage -ConfigPath $file -WarningVariable warnings 3>$null
        $status.State | Should -Not -BeNullOrEmpty
        @($warnings).Count | Should -Be 2
        "$warnings" | Should -Match '"Timeout", which is not a setting \(did you mean TimeoutSec\?\)'
        "$warnings" | Should -Match '"Deployment" to a number \(5\), but it must be a string'
    }

    It 'Set-PostHogRunbookConfig refuses a context the kubeconfig does not have, and stores nothing' {
        $failure = { Set-PostHogRunbookConfig -KubeConfig $labKubeconfig -Context nosuch -Deployment other-deployment } | Should -Throw -ErrorId 'KubeContextNotFound,*' -PassThru
        $failure.Exception.Message | Should -BeLike "*no context 'nosuch' (it has: lab)*"
        $config = Get-PostHogRunbookConfig
        $config.Sources['Context'] | Should -Not -Be 'Session'
        $config.Sources['KubeConfig'] | Should -Not -Be 'Session'
        $config.Deployment | Should -Be 'posthog-integration' -Because 'nothing of the refused call is stored'
        Set-PostHogRunbookConfig -KubeConfig $labKubeconfig -Context lab
        (Get-PostHogRunbookConfig).Context | Should -Be 'lab'
        (Get-PostHogRunbookConfig).Sources['Context'] | Should -Be 'Session'
    }

    It 'Set-PostHogRunbookConfig refuses a bad value by the same rules, before storing any' {
        { Set-PostHogRunbookConfig -Deployment ok-name -Namespace 'Not_A_Namespace' } | Should -Throw -ErrorId 'InvalidSetting,*' -ExpectedMessage '*the -Namespace parameter*'
        (Get-PostHogRunbookConfig).Deployment | Should -Be 'posthog-integration'
    }

    It 'Get-PostHogRunbookConfig always shows the profile, problems as warnings, every value and its kubeconfig sources' {
        $env:POSTHOG_RUNBOOK_TIMEOUT_SEC = 'abc'
        $config = Get-PostHogRunbookConfig -KubeConfig $labKubeconfig -WarningVariable warnings 3>$null
        "$warnings" | Should -BeLike 'InvalidSetting: The setting TimeoutSec is ''abc''*'
        $config.TimeoutSec | Should -BeNullOrEmpty
        $config.NoiseFloor | Should -Be 0.01
        $config.DegradedRatio | Should -Be 0.05
        $config.OutageRatio | Should -Be 0.5
        $config.ErrorMetric | Should -Be 'posthog_errors_total'
        $config.RequestMetric | Should -Be 'posthog_requests_total'
        $config.Sources['Context'] | Should -Be 'KubeConfig'
        $config.Sources['Namespace'] | Should -Be 'KubeConfig'
        $config.Sources['KubeServer'] | Should -Be 'KubeConfig'
        $shown = $config | Format-List | Out-String -Width 120
        $shown | Should -Match 'Thresholds\s+: noise floor 1%, degraded 5%, outage 50%'
        $shown | Should -Match 'Metrics\s+: posthog_errors_total / posthog_requests_total'
        $shown | Should -Match 'Context=KubeConfig'
    }
}

Describe 'Scheduled-job switches (item 9)' {
    BeforeEach { Reset-Profile }

    It 'takes -FailOnSeverity in any case' {
        { Invoke-PostHogTriage -Check StatusPage -StatusPageUrl $lab.deadUrl -TimeoutSec 2 -FailOnSeverity p4 } | Should -Throw -ErrorId 'TriageSeverityReached,*'
        { Invoke-PostHogTriage -Check StatusPage -StatusPageUrl $lab.deadUrl -TimeoutSec 2 -FailOnSeverity p1 } | Should -Not -Throw
    }

    It 'runs with -Debug in a non-interactive pwsh without prompting or failing' {
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:POSTHOGRUNBOOK_MODULE'
`$env:XDG_CONFIG_HOME = '$TestDrive/no-user-config'
'{ "Unknown": 1 }' | Set-Content '$TestDrive/debug.json'
& {
    `$status = Get-PostHogStatus -StatusPageUrl '$($lab.statusPage)' -Region US -ConfigPath '$TestDrive/debug.json' -Debug
    `$report = Invoke-PostHogTriage -StatusPageUrl '$($lab.statusPage)' -Check StatusPage -Region US -Debug
    `$config = Get-PostHogRunbookConfig -ConfigPath '$TestDrive/debug.json' -Debug
    Set-PostHogRunbookConfig -Deployment debug-run -Debug
    'done:' + `$status.State + ':' + `$report.Checks.Count + ':' + `$config.Deployment
} *>&1 | ForEach-Object { if (`$_ -is [System.Management.Automation.DebugRecord]) { 'DEBUG: ' + `$_.Message } else { "`$_" } }
"@
        $result.Text | Should -Not -Match 'NonInteractive|Read and Prompt'
        $result.ExitCode | Should -Be 0 -Because $result.Text
        $result.Text | Should -Match 'done:FullOutage:6:posthog-integration'
        $result.Text | Should -Match 'DEBUG: Reading http'
        $result.Text | Should -Match 'DEBUG: WARNING: .*"Unknown", which is not a setting'
    }

    It 'lets -ErrorAction <_> silence a status page that cannot be read' -ForEach 'SilentlyContinue', 'Ignore' {
        $Error.Clear()
        $status = Get-PostHogStatus -StatusPageUrl $lab.deadUrl -TimeoutSec 2 -ErrorAction $_ -ErrorVariable failures
        $succeeded = $?
        $status | Should -BeNullOrEmpty
        $succeeded | Should -BeFalse -Because 'the command still says it failed'
        if ($_ -eq 'Ignore') {
            $Error.Count | Should -Be 0 -Because 'Ignore keeps nothing'
        }
        else {
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'StatusPageUnreachable,*'
            $Error[0].FullyQualifiedErrorId | Should -BeLike 'StatusPageUnreachable,*'
        }
    }

    It 'keeps going through piped inputs when one status page cannot be read' {
        $inputs = [pscustomobject]@{ StatusPageUrl = $lab.deadUrl; Region = 'US' }, [pscustomobject]@{ StatusPageUrl = $lab.statusPage; Region = 'US' }
        $statuses = $inputs | Get-PostHogStatus -TimeoutSec 2 -ErrorAction SilentlyContinue -ErrorVariable failures
        @($statuses).Count | Should -Be 1
        $statuses.State | Should -Be 'FullOutage'
        @($failures).Count | Should -Be 1
    }
}

Describe 'An explicit -PostHogHost decides the region (item 10)' {
    BeforeEach { Reset-Profile }

    It 'gives EU for an EU host over a session Region US, as help Example 2 says' {
        Set-PostHogRunbookConfig -Region US -StatusPageUrl $lab.statusPage
        $status = Get-PostHogStatus -PostHogHost https://eu.i.posthog.com
        $status.Region | Should -Be 'EU'
        $status.IsAffected | Should -BeFalse -Because 'the lab''s outage is in US Cloud only'
        (Get-PostHogStatus).Region | Should -Be 'US'
        (Get-PostHogStatus -PostHogHost https://eu.i.posthog.com -Region US).Region | Should -Be 'US' -Because 'a -Region given beside it still wins'
    }

    It 'gives EU for an EU host over Region US from the environment' {
        $env:POSTHOG_RUNBOOK_REGION = 'US'
        (Get-PostHogStatus -StatusPageUrl $lab.statusPage -PostHogHost eu.posthog.com).Region | Should -Be 'EU'
    }
}

Describe 'Credentials in URLs are never shown (item 11)' {
    BeforeEach { Reset-Profile }

    It 'keeps user:password@ and ?token= out of reports, verbose output, errors and the profile' {
        $health = $lab.app -replace '^http://', 'http://sre:HealthPassw0rd@'
        $parameters = @{
            StatusPageUrl = $lab.statusPage -replace '^http://', 'http://viewer:StatusPassw0rd@'
            HealthUrl     = "$health/health?token=HealthToken123"
            PrometheusUrl = "$($lab.deadUrl)/?api_key=PromKey456"
            PostHogHost   = $lab.posthog
            KubeConfig    = $labKubeconfig
            TimeoutSec    = 5
        }
        $report = Invoke-PostHogTriage @parameters -Verbose 4>&1 | Tee-Object -Variable everything | Where-Object { $_ -is [PostHogRunbook.Model.TriageReport] }
        $report.Checks.Count | Should -Be 6
        ($report.Checks | Where-Object Name -eq AppHealth).Status | Should -Not -Be 'Unavailable' -Because 'the request still carries on without the credentials shown'
        $shown = ($everything | Out-String -Width 300) + ($report | Format-List | Out-String -Width 300) + ($report | ConvertTo-Json -Depth 8) + ($report.Target | Format-List | Out-String)
        $shown += Get-PostHogStatus -StatusPageUrl "$($lab.deadUrl)/?token=DeadToken789" -TimeoutSec 2 -ErrorAction SilentlyContinue -ErrorVariable failure
        $shown += ($failure | Out-String) + $failure[0].Exception.Message + $failure[0].TargetObject
        # -WhatIf speaks to the host: a fresh pwsh shows what it printed.
        $shown += (Invoke-FreshPwsh @"
Import-Module '$env:POSTHOGRUNBOOK_MODULE'
Set-PostHogRunbookConfig -PrometheusUrl '$($parameters.PrometheusUrl)' -HealthUrl '$($parameters.HealthUrl)' -WhatIf
"@).Text
        Set-PostHogRunbookConfig -PrometheusUrl $parameters.PrometheusUrl -HealthUrl $parameters.HealthUrl
        $shown += Get-PostHogRunbookConfig | Format-List | Out-String -Width 300
        foreach ($secret in 'HealthPassw0rd', 'StatusPassw0rd', 'HealthToken123', 'PromKey456', 'DeadToken789') {
            $shown | Should -Not -Match $secret
        }
        $shown | Should -Match ([regex]::Escape('[REDACTED]'))
    }
}
