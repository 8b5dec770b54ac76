# Invoke-PostHogTriage end to end: the lab plays PostHog, our app and Kubernetes; the real prometheus scrapes
# the lab. Every category and severity of the runbook is reached from a lab scenario.
BeforeAll {
    Import-Module $env:POSTHOGRUNBOOK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Prometheus.psm1') -Force

    # A lab in one scenario, and a prometheus scraping it once it has error data.
    function Start-World([string] $Scenario) {
        $lab = Start-PostHogLab -Scenario $Scenario
        $prometheus = Start-LabPrometheus -MetricsUrl "$($lab.app)/metrics"
        [pscustomobject]@{ Lab = $lab; Prometheus = $prometheus }
    }

    function Stop-World($World) {
        if ($World) {
            Stop-LabPrometheus $World.Prometheus
            Stop-PostHogLab $World.Lab
        }
    }

    # Skips the calling It (counted as skipped) when prometheus is missing.
    function Skip-WithoutPrometheus($World) {
        if (-not $World.Prometheus.Available) {
            Set-ItResult -Skipped -Because $World.Prometheus.Reason
            return $true
        }
        $false
    }

    # The triage as an SRE would run it against this world.
    function Invoke-WorldTriage($World, [hashtable] $Extra = @{}) {
        $parameters = @{
            StatusPageUrl = $World.Lab.statusPage
            HealthUrl     = "$($World.Lab.app)/health"
            PostHogHost   = $World.Lab.posthog
            Region        = 'US'
            KubeConfig    = $World.Lab.kubeconfig
            PrometheusUrl = if ($World.Prometheus.Available) { $World.Prometheus.Url } else { $World.Lab.deadUrl }
            TimeoutSec    = 10
        }
        foreach ($entry in $Extra.GetEnumerator()) { $parameters[$entry.Key] = $entry.Value }
        Invoke-PostHogTriage @parameters
    }

    function Get-Check($Report, [string] $Name) { $Report.Checks | Where-Object Name -eq $Name }
}

Describe 'Invoke-PostHogTriage reaches <Expected> <Severity> in the <Scenario> scenario' -ForEach @(
    @{ Scenario = 'healthy'; Expected = 'Healthy'; Severity = 'None'; Action = 'None' }
    @{ Scenario = 'us-outage'; Expected = 'PostHogOutage'; Severity = 'P1'; Action = 'EnableFallback' }
    @{ Scenario = 'eu-outage'; Expected = 'Healthy'; Severity = 'None'; Action = 'None' }
    @{ Scenario = 'maintenance'; Expected = 'PostHogOutage'; Severity = 'P2'; Action = 'EnableFallback' }
    @{ Scenario = 'bad-key'; Expected = 'Authentication'; Severity = 'P1'; Action = 'RotateApiKey' }
    @{ Scenario = 'rate-limited'; Expected = 'RateLimited'; Severity = 'P2'; Action = 'QueueRequests' }
    @{ Scenario = 'rate-limit-outage'; Expected = 'PostHogOutage'; Severity = 'P2'; Action = 'EnableFallback' }
    @{ Scenario = 'server-errors'; Expected = 'PostHogServerErrors'; Severity = 'P1'; Action = 'EnableFallback' }
    @{ Scenario = 'html'; Expected = 'PostHogServerErrors'; Severity = 'P1'; Action = 'EnableFallback' }
    @{ Scenario = 'infra-down'; Expected = 'InternalInfrastructure'; Severity = 'P1'; Action = 'RestartIntegration' }
    @{ Scenario = 'oom'; Expected = 'InternalInfrastructure'; Severity = 'P2'; Action = 'RestartIntegration' }
) {
    BeforeAll {
        $world = Start-World $Scenario
        $report = if ($world.Prometheus.Available) { Invoke-WorldTriage $world }
    }
    AfterAll { Stop-World $world }

    It 'decides <Expected>, <Severity>, <Action>' {
        if (Skip-WithoutPrometheus $world) { return }
        $report | Should -BeOfType ([PostHogRunbook.Model.TriageReport])
        $report.Category | Should -Be $Expected -Because ($report.DecisionPath -join ' | ')
        $report.Severity | Should -Be $Severity -Because ($report.DecisionPath -join ' | ')
        $report.RecommendedAction | Should -Be $Action
    }

    It 'runs all six checks and explains the decision' {
        if (Skip-WithoutPrometheus $world) { return }
        @($report.Checks).Count | Should -Be 6
        ($report.Checks.Name | ForEach-Object ToString | Sort-Object) | Should -Be (@('AppHealth', 'ErrorLogs', 'ErrorRate', 'PostHogApi', 'StatusPage', 'Workload') | Sort-Object)
        $report.DecisionPath[0] | Should -Match '^PostHog errors now\?'
        $report.DecisionPath[-1] | Should -Match "^Severity $Severity"
        $report.Target.Namespace | Should -Be 'posthog'
        $report.Target.Deployment | Should -Be 'posthog-integration'
        $report.Target.Context | Should -Be 'lab'
    }

    It 'reads only the pods of the selector' {
        if (Skip-WithoutPrometheus $world) { return }
        $paths = @(Get-PostHogLabRequest $world.Lab -Part kubernetes | ForEach-Object path)
        $paths | Where-Object { $_ -like '*/pods/posthog-integration-*/log' } | Should -Not -BeNullOrEmpty
        $paths | Where-Object { $_ -match 'billing' } | Should -BeNullOrEmpty
    }

    It 'never shows a key' {
        if (Skip-WithoutPrometheus $world) { return }
        $shown = ($report | Format-List | Out-String) + ($report | ConvertTo-Json -Depth 8 -EnumsAsStrings -WarningAction SilentlyContinue)
        foreach ($key in $world.Lab.projectApiKey, $world.Lab.revokedProjectApiKey, $world.Lab.personalApiKey) {
            $shown | Should -Not -Match ([regex]::Escape($key))
        }
    }
}

Describe 'Evidence the checks keep' {
    BeforeAll {
        $world = Start-World 'bad-key'
        $report = if ($world.Prometheus.Available) { Invoke-WorldTriage $world -Extra @{ PersonalApiKey = (ConvertTo-SecureString $world.Lab.personalApiKey -AsPlainText -Force) } }
    }
    AfterAll { Stop-World $world }

    It 'probes /flags with the key the deployment really uses, read from its secret' {
        if (Skip-WithoutPrometheus $world) { return }
        $probe = (Get-Check $report PostHogApi).Evidence
        $probe.Outcome | Should -Be 'KeyRejected'
        $probe.HttpStatus | Should -Be 401
        $probe.KeySource | Should -Be 'DeploymentSecret'
        $probe.KeyHint | Should -Be ('phc_…' + $world.Lab.revokedProjectApiKey.Substring($world.Lab.revokedProjectApiKey.Length - 4))
        $probe.Detail | Should -Match 'invalid_api_key'
        $probe.PersonalApiOutcome | Should -Be 'Ok'
        (Get-PostHogLabRequest $world.Lab -Part posthog | Where-Object path -eq '/flags').query | Should -Contain '?v=2'
    }

    It 'counts error lines by status, with redacted samples' {
        if (Skip-WithoutPrometheus $world) { return }
        $logs = (Get-Check $report ErrorLogs).Evidence
        $logs.PodsRead | Should -Be 3
        $logs.CountsByStatus['401'] | Should -BeGreaterThan 0
        $logs.Samples | Should -Not -BeNullOrEmpty
        ($logs.Samples -join "`n") | Should -Not -Match 'phc_[A-Za-z0-9]{8}'
        ($logs.Samples -join "`n") | Should -Not -Match 'phx_[A-Za-z0-9]{8}'
    }

    It 'measures the error ratio from prometheus' {
        if (Skip-WithoutPrometheus $world) { return }
        $rate = (Get-Check $report ErrorRate).Evidence
        $rate.DominantStatus | Should -Be '401'
        $rate.ErrorRatio | Should -BeGreaterThan 0.5
        $report.DominantError | Should -Be '401'
    }

    It 'tells a malformed configured key from a rejected one, without sending it' {
        if (Skip-WithoutPrometheus $world) { return }
        Clear-PostHogLabRequest $world.Lab
        $malformed = Invoke-PostHogTriage -PostHogHost $world.Lab.posthog -ProjectApiKey (ConvertTo-SecureString 'not-a-posthog-key' -AsPlainText -Force) `
            -Check PostHogApi -StatusPageUrl $world.Lab.statusPage -TimeoutSec 5 -KubeConfig (Join-Path $TestDrive 'none') -ErrorAction SilentlyContinue
        (Get-Check $malformed PostHogApi).Evidence.Outcome | Should -Be 'KeyMalformed'
        $malformed.Category | Should -Be 'Authentication'
        Get-PostHogLabRequest $world.Lab -Part posthog | Should -BeNullOrEmpty
    }
}

Describe 'Dependencies that fail' {
    BeforeAll {
        $world = Start-World 'healthy'
    }
    AfterAll { Stop-World $world }

    It 'calls a dead Prometheus a monitoring gap (P4), not a crash' {
        $report = Invoke-WorldTriage $world -Extra @{ PrometheusUrl = $world.Lab.deadUrl }
        $report.Category | Should -Be 'MonitoringGap'
        $report.Severity | Should -Be 'P4'
        $check = Get-Check $report ErrorRate
        $check.Status | Should -Be 'Unavailable'
        $check.ErrorId | Should -Be 'PrometheusUnreachable'
        $check.Error | Should -Match 'refused'
    }

    It 'keeps deciding when the status page serves HTML and PostHog answers 503 (PostHogServerErrors)' {
        if (Skip-WithoutPrometheus $world) { return }
        # Errors must be in prometheus for the ratio: the html world has its own counters from the start.
        $html = Start-World 'html'
        try {
            $report = Invoke-WorldTriage $html
            (Get-Check $report StatusPage).Status | Should -Be 'Unavailable'
            (Get-Check $report StatusPage).ErrorId | Should -Be 'StatusPageInvalidResponse'
            $report.Category | Should -Be 'PostHogServerErrors'
            ($report.DecisionPath -join ' ') | Should -Match 'status page check is Unavailable'
        }
        finally { Stop-World $html }
    }

    It 'costs a dependency that never answers its timeout, and names it' {
        if (Skip-WithoutPrometheus $world) { return }
        $hung = Start-World 'unreachable'
        try {
            $report = Invoke-WorldTriage $hung -Extra @{ TimeoutSec = 2 }
            $status = Get-Check $report StatusPage
            $status.Status | Should -Be 'Unavailable'
            $status.ErrorId | Should -BeIn 'StatusPageUnreachable', 'CheckTimedOut'
            (Get-Check $report PostHogApi).Evidence.Outcome | Should -Be 'TimedOut'
            $report.Category | Should -Be 'PostHogServerErrors'
            $report.Severity | Should -Be 'P1'
        }
        finally { Stop-World $hung }
    }

    It 'tells a 429 with its Retry-After, and a 503, apart in the probe' {
        $probe = @{ Check = 'PostHogApi'; PostHogHost = $world.Lab.posthog; KubeConfig = $world.Lab.kubeconfig; TimeoutSec = 10 }
        try {
            Set-PostHogLabScenario $world.Lab rate-limited
            $throttled = (Get-Check (Invoke-PostHogTriage @probe) PostHogApi).Evidence
            $throttled.Outcome | Should -Be 'RateLimited'
            $throttled.HttpStatus | Should -Be 429
            $throttled.RetryAfterSec | Should -Be 30
            Set-PostHogLabScenario $world.Lab server-errors
            $failing = (Get-Check (Invoke-PostHogTriage @probe) PostHogApi).Evidence
            $failing.Outcome | Should -Be 'ServerError'
            $failing.HttpStatus | Should -Be 503
            $failing.Detail | Should -Match 'transient error'
        }
        finally { Set-PostHogLabScenario $world.Lab healthy }
    }

    It 'turns an RBAC refusal to read pods into a finding that names the verb and the resource' {
        $refused = Start-PostHogLab -Scenario rbac-no-pods
        try {
            $report = Invoke-PostHogTriage -StatusPageUrl $refused.statusPage -PostHogHost $refused.posthog -Region US -HealthUrl "$($refused.app)/health" `
                -KubeConfig $refused.kubeconfig -PrometheusUrl $refused.deadUrl -TimeoutSec 10
            foreach ($name in 'Workload', 'ErrorLogs') {
                $check = Get-Check $report $name
                $check.Status | Should -Be 'Unavailable'
                $check.ErrorId | Should -Be 'KubernetesForbidden'
                $check.Error | Should -Match "needs 'list' on 'pods'"
                $check.Error | Should -Match 'cannot list resource "pods"'
            }
            (Get-Check $report PostHogApi).Status | Should -Be 'Pass' -Because 'the secret is still readable'
            $report.Category | Should -Be 'MonitoringGap'
            $report.Severity | Should -Be 'P4'
        }
        finally { Stop-PostHogLab $refused }
    }

    It 'probes with the configured key when RBAC hides the deployment''s secret, and says so' {
        $refused = Start-PostHogLab -Scenario rbac-no-secrets
        try {
            $probe = @{ Check = 'PostHogApi'; PostHogHost = $refused.posthog; KubeConfig = $refused.kubeconfig; TimeoutSec = 10 }
            $withKey = Get-Check (Invoke-PostHogTriage @probe -ProjectApiKey (ConvertTo-SecureString $refused.projectApiKey -AsPlainText -Force)) PostHogApi
            $withKey.Status | Should -Be 'Pass'
            $withKey.Evidence.KeySource | Should -Be 'Configured'
            $withKey.Evidence.Detail | Should -Match 'KubernetesForbidden'
            # Without a configured key the refusal is the finding, as for every other RBAC refusal.
            $withoutKey = Get-Check (Invoke-PostHogTriage @probe) PostHogApi
            $withoutKey.Status | Should -Be 'Unavailable'
            $withoutKey.ErrorId | Should -Be 'KubernetesForbidden'
            $withoutKey.Error | Should -Match "'get' on 'secrets'" 
        }
        finally { Stop-PostHogLab $refused }
    }

    It 'skips, loudly, what is not configured' {
        $report = Invoke-PostHogTriage -StatusPageUrl $world.Lab.statusPage -PostHogHost $world.Lab.posthog -Region US `
            -ProjectApiKey (ConvertTo-SecureString $world.Lab.projectApiKey -AsPlainText -Force) -PrometheusUrl $world.Lab.deadUrl `
            -KubeConfig (Join-Path $TestDrive 'no-such-kubeconfig') -TimeoutSec 5 -ErrorAction SilentlyContinue -ErrorVariable targetErrors
        # The report stands, and the target's failure is an error record of its own that -ErrorAction silences.
        $targetErrors.FullyQualifiedErrorId | Should -Be 'KubeConfigNotFound,PostHogRunbook.Commands.InvokePostHogTriageCommand'
        (Get-Check $report AppHealth).Status | Should -Be 'Skipped'
        (Get-Check $report Workload).Status | Should -Be 'Unavailable'
        (Get-Check $report Workload).ErrorId | Should -Be 'KubeConfigNotFound'
        (Get-Check $report PostHogApi).Status | Should -Be 'Pass'
        (Get-Check $report PostHogApi).Evidence.KeySource | Should -Be 'Configured'
    }

    It 'stops within moments on Ctrl+C while every dependency hangs' {
        $hung = Start-PostHogLab -Scenario unreachable
        try {
            $stop = Invoke-StoppedCommand -Lab $hung -Part statusPage -Script 'Invoke-PostHogTriage -StatusPageUrl $lab.statusPage -PostHogHost $lab.posthog -KubeConfig $lab.kubeconfig -HealthUrl ($lab.app + "/health") -PrometheusUrl $lab.deadUrl -TimeoutSec 300'
            $stop.StopReturned | Should -BeTrue
            $stop.State | Should -Be 'Stopped'
            $stop.Threw | Should -BeTrue
            $stop.LabStatuses | Should -Contain 499 -Because 'every check''s requests must end with the triage, not go on in the background'
        }
        finally { Stop-PostHogLab $hung }
    }
}

Describe 'Unknown: PostHog errors that name no status class' {
    BeforeAll {
        $lab = Start-PostHogLab -Scenario rate-limited
    }
    AfterAll { Stop-PostHogLab $lab }

    It 'escalates when only /health says PostHog is degraded' {
        # Only our app's own view ran: it says PostHog is degraded, but nothing names the error.
        $report = Invoke-PostHogTriage -Check AppHealth -HealthUrl "$($lab.app)/health" -TimeoutSec 10
        $report.Category | Should -Be 'Unknown' -Because ($report.DecisionPath -join ' | ')
        $report.RecommendedAction | Should -Be 'Escalate'
        ($report.DecisionPath -join ' ') | Should -Match 'posthog service degraded'
    }
}

Describe 'Intermittent: errors earlier in the window, none now' {
    BeforeAll {
        $world = Start-World 'server-errors'
    }
    AfterAll { Stop-World $world }

    It 'is Intermittent P3, Monitor, once the errors stopped a minute ago' {
        if (Skip-WithoutPrometheus $world) { return }
        Set-PostHogLabScenario $world.Lab healthy
        # The runbook's "now" is the last minute: wait until prometheus sees no error in it (about 60 s).
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        do {
            Start-Sleep -Seconds 2
            $now = Invoke-LabPrometheusQuery $world.Prometheus 'sum(rate(posthog_errors_total[1m]))'
        } while ([double] $now[0].value[1] -gt 0 -and [DateTime]::UtcNow -lt $deadline)
        $report = Invoke-WorldTriage $world
        $report.Category | Should -Be 'Intermittent' -Because ($report.DecisionPath -join ' | ')
        $report.Severity | Should -Be 'P3'
        $report.RecommendedAction | Should -Be 'Monitor'
        (Get-Check $report ErrorRate).Evidence.ErrorsInWindow | Should -BeGreaterThan 0
    }
}

Describe 'Several clusters at once' {
    BeforeAll {
        $healthy = Start-PostHogLab -Scenario healthy
        $broken = Start-PostHogLab -Scenario infra-down
        # One kubeconfig, two contexts: what an SRE with a prod-us and a prod-eu cluster has.
        function Get-KubeFacts($lab) {
            $text = Get-Content -Raw $lab.kubeconfig
            @{
                Server = [regex]::Match($text, 'server:\s*(\S+)').Groups[1].Value
                Authority = [regex]::Match($text, 'certificate-authority-data:\s*(\S+)').Groups[1].Value
                Token = [regex]::Match($text, 'token:\s*(\S+)').Groups[1].Value
            }
        }
        $a = Get-KubeFacts $healthy; $b = Get-KubeFacts $broken
        $merged = Join-Path $TestDrive 'two-clusters.yaml'
        @"
apiVersion: v1
kind: Config
clusters:
- name: cluster-a
  cluster: { server: '$($a.Server)', certificate-authority-data: '$($a.Authority)' }
- name: cluster-b
  cluster: { server: '$($b.Server)', certificate-authority-data: '$($b.Authority)' }
users:
- name: user-a
  user: { token: '$($a.Token)' }
- name: user-b
  user: { token: '$($b.Token)' }
contexts:
- name: prod-a
  context: { cluster: cluster-a, user: user-a, namespace: posthog }
- name: prod-b
  context: { cluster: cluster-b, user: user-b, namespace: posthog }
current-context: prod-a
"@ | Set-Content -LiteralPath $merged
    }
    AfterAll {
        Stop-PostHogLab $healthy
        Stop-PostHogLab $broken
    }

    It 'triages each context and returns one report per context' {
        $reports = @(Invoke-PostHogTriage -KubeConfig $merged -Context prod-a, prod-b -StatusPageUrl $healthy.statusPage -Region US `
                -PostHogHost $healthy.posthog -PrometheusUrl $healthy.deadUrl -TimeoutSec 10)
        $reports.Count | Should -Be 2
        ($reports | Where-Object { $_.Target.Context -eq 'prod-a' }).Category | Should -Be 'MonitoringGap'
        $b = $reports | Where-Object { $_.Target.Context -eq 'prod-b' }
        $b.Category | Should -Be 'InternalInfrastructure'
        $b.Severity | Should -Be 'P1'
        (Get-Check $b Workload).Evidence.AvailableReplicas | Should -Be 0
    }

    It 'returns both reports when one context cannot be opened, and that context''s error record' {
        $common = @{ KubeConfig = $merged; StatusPageUrl = $healthy.statusPage; Region = 'US'; PostHogHost = $healthy.posthog; PrometheusUrl = $healthy.deadUrl; TimeoutSec = 10 }
        $reports = @(Invoke-PostHogTriage @common -Context prod-a, nosuch -ErrorAction SilentlyContinue -ErrorVariable failures)
        $reports.Count | Should -Be 2
        $missing = $reports | Where-Object { $_.Target.Context -eq 'nosuch' }
        $missing | Should -Not -BeNullOrEmpty -Because 'the report names the context it could not open'
        (Get-Check $missing Workload).ErrorId | Should -Be 'KubeContextNotFound'
        ($reports | Where-Object { $_.Target.Context -eq 'prod-a' }).Category | Should -Be 'MonitoringGap'
        @($failures).Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'KubeContextNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        # SilentlyContinue silences it; Stop makes it terminating, as for any per-target error.
        { Invoke-PostHogTriage @common -Context nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'KubeContextNotFound,*'
    }

    It 'explains the decision as steps that Get-Member shows' {
        $report = Invoke-PostHogTriage -KubeConfig $merged -Context prod-b -StatusPageUrl $healthy.statusPage -Region US -PostHogHost $healthy.posthog -PrometheusUrl $healthy.deadUrl -TimeoutSec 10
        ($report | Get-Member -Name DecisionSteps).Name | Should -Be 'DecisionSteps'
        $report.DecisionSteps[0].Question | Should -Be 'PostHogErrorsNow'
        ($report.DecisionSteps | Where-Object Question -eq 'ServiceHealthy').Answer | Should -Be 'No'
        $report.DecisionSteps[-1].Value | Should -Be 'P1'
        $report.DecisionPath | Should -Be @($report.DecisionSteps.Text)
    }

    It 'completes -Context from the kubeconfig' {
        $line = "Invoke-PostHogTriage -KubeConfig '$merged' -Context prod-"
        $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completions.CompletionMatches.CompletionText | Should -Be @('prod-a', 'prod-b')
    }
}

Describe 'Scheduled scripts' {
    BeforeAll {
        $world = Start-World 'healthy'
    }
    AfterAll { Stop-World $world }

    It '-Quiet outputs nothing and writes no error when Healthy' {
        if (Skip-WithoutPrometheus $world) { return }
        $Error.Clear()
        $output = Invoke-WorldTriage $world -Extra @{ Quiet = $true }
        $output | Should -BeNullOrEmpty
        $Error.Count | Should -Be 0
    }

    It '-FailOnSeverity throws TriageSeverityReached when the verdict is that bad' {
        { Invoke-WorldTriage $world -Extra @{ PrometheusUrl = $world.Lab.deadUrl; FailOnSeverity = 'P4' } } | Should -Throw -ErrorId 'TriageSeverityReached,*'
        { Invoke-WorldTriage $world -Extra @{ PrometheusUrl = $world.Lab.deadUrl; FailOnSeverity = 'P2' } } | Should -Not -Throw
    }

    It 'fails a job from a fresh pwsh with the documented one-liner' {
        $pwsh = (Get-Process -Id $PID).Path
        $prefix = @(if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { 'pwsh' })
        $script = "Import-Module '$($env:POSTHOGRUNBOOK_MODULE)'; Invoke-PostHogTriage -Quiet -FailOnSeverity P4 -StatusPageUrl $($world.Lab.statusPage) -PostHogHost $($world.Lab.posthog) -PrometheusUrl $($world.Lab.deadUrl) -KubeConfig $($world.Lab.kubeconfig) -TimeoutSec 10"
        & $pwsh @prefix -NoProfile -NonInteractive -Command $script *> $null
        $LASTEXITCODE | Should -Be 1 -Because 'Prometheus is dead here: MonitoringGap P4 reaches -FailOnSeverity P4'
        & $pwsh @prefix -NoProfile -NonInteractive -Command ($script -replace 'FailOnSeverity P4', 'FailOnSeverity P1') *> $null
        $LASTEXITCODE | Should -Be 0 -Because 'P4 is below P1: the job passes'
    }

    It 'converts a report to clean JSON with enums as names' {
        $report = Invoke-WorldTriage $world -Extra @{ PrometheusUrl = $world.Lab.deadUrl }
        $json = $report | ConvertTo-Json -Depth 8 -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
        $back = $json | ConvertFrom-Json
        $back.Category | Should -Be 'MonitoringGap'
        $back.Severity | Should -Be 'P4'
        ($back.Checks | Where-Object Name -eq 'ErrorRate').Status | Should -Be 'Unavailable'
    }

    It 'shows a table that fits a terminal' {
        $report = Invoke-WorldTriage $world -Extra @{ PrometheusUrl = $world.Lab.deadUrl }
        $table = $report | Format-Table | Out-String -Width 120
        $table | Should -Match 'Target\s+Sev\s+Action\s+Category'
        $table | Should -Match 'lab/posthog/posthog-integration\s+P4\s+None\s+MonitoringGap'
        ($report.Checks | Out-String -Width 120) | Should -Match 'ErrorRate\s+Unavailable'
    }
}
