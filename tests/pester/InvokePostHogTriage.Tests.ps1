# Invoke-PostHogTriage end to end: the lab plays PostHog, our app and Kubernetes; the real prometheus scrapes
# the lab. Every category and severity of the runbook is reached from a lab scenario.
BeforeAll {
    Import-Module $env:POSTHOGRUNBOOK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Prometheus.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWorlds.psm1') -Force

    # Every world this file needs, started at once: a lab per scenario, each scraped by the run's prometheus under
    # its own label, one wait until prometheus has data for all of them. The tests only read a world, except where
    # a world is their own (intermittent, rbac, hung). Keys are how the Describes find them.
    $script:prometheus = Use-LabPrometheus
    $wanted = [ordered]@{}
    foreach ($scenario in 'healthy', 'us-outage', 'eu-outage', 'maintenance', 'bad-key', 'rate-limited', 'rate-limit-outage',
        'server-errors', 'html', 'infra-down', 'oom', 'unreachable') { $wanted[$scenario] = $scenario }
    $wanted['intermittent'] = 'server-errors'   # switched to healthy below: errors earlier in the window, none now
    $wanted['rbac'] = 'rbac-no-pods'             # switched between the RBAC scenarios by the tests that use it
    $wanted['hung'] = 'unreachable'              # for Ctrl+C alone: no other test's abandoned requests in its record
    $script:allWorlds = @(Start-PostHogWorld -Scenario @($wanted.Values) -Prometheus $prometheus)
    $script:worlds = @{}
    $keys = @($wanted.Keys)
    for ($i = 0; $i -lt $keys.Count; $i++) { $worlds[$keys[$i]] = $allWorlds[$i] }

    # Prometheus has this world's errors now (the world is ready): stop them, so that by the time the Intermittent
    # test runs its recent window has emptied while the rest of the file ran.
    Set-PostHogLabScenario $worlds['intermittent'].Lab healthy

    # Skips the calling It (counted as skipped) when prometheus is missing.
    function Skip-WithoutPrometheus($World) {
        if (-not $World.Prometheus.Available) {
            Set-ItResult -Skipped -Because $World.Prometheus.Reason
            return $true
        }
        $false
    }

    # The triage as an SRE would run it against this world, reading only this world's metrics.
    function Invoke-WorldTriage($World, [hashtable] $Extra = @{}) {
        $parameters = @{
            StatusPageUrl = $World.Lab.statusPage
            HealthUrl     = "$($World.Lab.app)/health"
            PostHogHost   = $World.Lab.posthog
            Region        = 'US'
            KubeConfig    = $World.Lab.kubeconfig
            PrometheusUrl = if ($World.Prometheus.Available) { $World.Prometheus.Url } else { $World.Lab.deadUrl }
            # A budget, not a timing: the first triage of the file pays the module's and KubernetesClient's cold
            # start while a dozen labs share two cores with other work. Only a dependency that hangs would use it.
            TimeoutSec    = 30
        }
        if ($World.Prometheus.Available) { $parameters.MetricsSelector = $World.Selector }
        foreach ($entry in $Extra.GetEnumerator()) { $parameters[$entry.Key] = $entry.Value }
        Invoke-PostHogTriage @parameters
    }

    function Get-Check($Report, [string] $Name) { $Report.Checks | Where-Object Name -eq $Name }
}

AfterAll {
    Stop-PostHogWorld $allWorlds
    Stop-LabPrometheus $prometheus
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
        $world = $worlds[$Scenario]
        $report = if ($world.Prometheus.Available) { Invoke-WorldTriage $world }
    }

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

    It 'reads only this world''s metrics from the shared prometheus' {
        if (Skip-WithoutPrometheus $world) { return }
        $queries = (Get-Check $report ErrorRate).Evidence.Queries
        @($queries).Count | Should -Be 4
        foreach ($query in $queries) { $query | Should -Match ([regex]::Escape("{$($world.Selector)}")) }
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
        $world = $worlds['bad-key']
        $report = if ($world.Prometheus.Available) { Invoke-WorldTriage $world -Extra @{ PersonalApiKey = (ConvertTo-SecureString $world.Lab.personalApiKey -AsPlainText -Force) } }
    }

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
        $rate.Window | Should -Be '5m'
        $rate.RecentWindow | Should -Be '1m'
    }

    It 'reads the metrics over -MetricsWindow, and says so' {
        if (Skip-WithoutPrometheus $world) { return }
        $check = Get-Check (Invoke-WorldTriage $world -Extra @{ Check = 'ErrorRate'; MetricsWindow = '2m' }) ErrorRate
        $check.Evidence.Window | Should -Be '2m'
        $check.Evidence.Queries | Where-Object { $_ -match '\[2m\]' } | Should -HaveCount 3
        $check.Summary | Should -Match 'over 2m'
        $check.Evidence.DominantStatus | Should -Be '401'
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
        $world = $worlds['healthy']
    }

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
        $report = Invoke-WorldTriage $worlds['html']
        (Get-Check $report StatusPage).Status | Should -Be 'Unavailable'
        (Get-Check $report StatusPage).ErrorId | Should -Be 'StatusPageInvalidResponse'
        $report.Category | Should -Be 'PostHogServerErrors'
        ($report.DecisionPath -join ' ') | Should -Match 'status page check is Unavailable'
    }

    It 'costs a dependency that never answers its timeout, and names it' {
        if (Skip-WithoutPrometheus $world) { return }
        $report = Invoke-WorldTriage $worlds['unreachable'] -Extra @{ TimeoutSec = 2 }
        $status = Get-Check $report StatusPage
        $status.Status | Should -Be 'Unavailable'
        $status.ErrorId | Should -BeIn 'StatusPageUnreachable', 'CheckTimedOut'
        (Get-Check $report PostHogApi).Evidence.Outcome | Should -Be 'TimedOut'
        $report.Category | Should -Be 'PostHogServerErrors'
        $report.Severity | Should -Be 'P1'
    }

    It 'tells a 429 with its Retry-After, and a 503, apart in the probe' {
        $throttledLab = $worlds['rate-limited'].Lab
        $throttled = (Get-Check (Invoke-PostHogTriage -Check PostHogApi -PostHogHost $throttledLab.posthog -KubeConfig $throttledLab.kubeconfig -TimeoutSec 10) PostHogApi).Evidence
        $throttled.Outcome | Should -Be 'RateLimited'
        $throttled.HttpStatus | Should -Be 429
        $throttled.RetryAfterSec | Should -Be 30
        $failingLab = $worlds['server-errors'].Lab
        $failing = (Get-Check (Invoke-PostHogTriage -Check PostHogApi -PostHogHost $failingLab.posthog -KubeConfig $failingLab.kubeconfig -TimeoutSec 10) PostHogApi).Evidence
        $failing.Outcome | Should -Be 'ServerError'
        $failing.HttpStatus | Should -Be 503
        $failing.Detail | Should -Match 'transient error'
    }

    It 'turns an RBAC refusal to read pods into a finding that names the verb and the resource' {
        $refused = $worlds['rbac'].Lab
        Set-PostHogLabScenario $refused rbac-no-pods
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

    It 'probes with the configured key when RBAC hides the deployment''s secret, and says so' {
        # The same lab, switched: the lab's RBAC follows its scenario on every request.
        $refused = $worlds['rbac'].Lab
        Set-PostHogLabScenario $refused rbac-no-secrets
        $probe = @{ Check = 'PostHogApi'; PostHogHost = $refused.posthog; KubeConfig = $refused.kubeconfig; TimeoutSec = 10 }
        $withKey = Get-Check (Invoke-PostHogTriage @probe -ProjectApiKey (ConvertTo-SecureString $refused.projectApiKey -AsPlainText -Force)) PostHogApi
        $withKey.Status | Should -Be 'Pass'
        $withKey.Evidence.KeySource | Should -Be 'Configured'
        $withKey.Evidence.Detail | Should -Match 'KubernetesForbidden'
        $withoutKey = Get-Check (Invoke-PostHogTriage @probe) PostHogApi
        # Without a configured key the refusal is the finding, as for every other RBAC refusal.
        $withoutKey.Status | Should -Be 'Unavailable'
        $withoutKey.ErrorId | Should -Be 'KubernetesForbidden'
        $withoutKey.Error | Should -Match "'get' on 'secrets'"
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
        $stop = Invoke-StoppedCommand -Lab $worlds['hung'].Lab -Part statusPage -Script 'Invoke-PostHogTriage -StatusPageUrl $lab.statusPage -PostHogHost $lab.posthog -KubeConfig $lab.kubeconfig -HealthUrl ($lab.app + "/health") -PrometheusUrl $lab.deadUrl -TimeoutSec 300'
        $stop.StopReturned | Should -BeTrue
        $stop.State | Should -Be 'Stopped'
        $stop.Threw | Should -BeTrue
        $stop.LabStatuses | Should -Contain 499 -Because 'every check''s requests must end with the triage, not go on in the background'
    }
}

Describe 'Unknown: PostHog errors that name no status class' {
    BeforeAll {
        $lab = $worlds['rate-limited'].Lab
    }

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
        # Its errors stopped in the file's BeforeAll, once prometheus had them.
        $world = $worlds['intermittent']
    }

    It 'is Intermittent P3, Monitor, once the errors stopped longer ago than -RecentWindow' {
        if (Skip-WithoutPrometheus $world) { return }
        # "Now" is -RecentWindow (the runbook's default is the last minute): a short one here, so that no test sleeps
        # through a minute. Wait until prometheus sees no error in it; a guard, not a timing.
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        do {
            $now = @(Invoke-LabWorldQuery $world 'sum(rate(posthog_errors_total{WORLD}[5s]))')
            $erroring = $now.Count -gt 0 -and [double] $now[0].value[1] -gt 0
            if ($erroring) { Start-Sleep -Milliseconds 500 }
        } while ($erroring -and [DateTime]::UtcNow -lt $deadline)
        $report = Invoke-WorldTriage $world -Extra @{ RecentWindow = '5s' }
        $report.Category | Should -Be 'Intermittent' -Because ($report.DecisionPath -join ' | ')
        $report.Severity | Should -Be 'P3'
        $report.RecommendedAction | Should -Be 'Monitor'
        $rate = (Get-Check $report ErrorRate).Evidence
        $rate.ErrorsInWindow | Should -BeGreaterThan 0
        $rate.RecentWindow | Should -Be '5s'
        $rate.Queries | Should -Contain "sum(rate(posthog_errors_total{$($world.Selector)}[5s]))"
        (Get-Check $report ErrorRate).Summary | Should -Match 'none in the last 5s'
        (Get-Check $report ErrorLogs).Evidence.RecentWindow | Should -Be '5s'
    }
}

Describe 'Several clusters at once' {
    BeforeAll {
        $healthy = $worlds['healthy'].Lab
        $broken = $worlds['infra-down'].Lab
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
        $world = $worlds['healthy']
    }

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
        # Both jobs at once, each as a CI runner's command line runs it; the triage's own timeout is 10 s.
        $script = "Import-Module '$($env:POSTHOGRUNBOOK_MODULE)'; Invoke-PostHogTriage -Quiet -FailOnSeverity P4 -StatusPageUrl $($world.Lab.statusPage) -PostHogHost $($world.Lab.posthog) -PrometheusUrl $($world.Lab.deadUrl) -KubeConfig $($world.Lab.kubeconfig) -TimeoutSec 10"
        $jobs = foreach ($limit in 'P4', 'P1') { Start-FreshPwsh ($script -replace 'FailOnSeverity P4', "FailOnSeverity $limit") -Command }
        $runs = foreach ($job in $jobs) { Wait-FreshPwsh $job -TimeoutSec 120 }
        $runs[0].ExitCode | Should -Be 1 -Because "Prometheus is dead here: MonitoringGap P4 reaches -FailOnSeverity P4 ($($runs[0].Errors))"
        $runs[1].ExitCode | Should -Be 0 -Because "P4 is below P1: the job passes ($($runs[1].Errors))"
    }

    It 'reaches the cluster from a fresh pwsh on a machine whose trust store is empty or unreadable' {
        # A slim CI image without ca-certificates: the kubeconfig's authority is all the handshake needs, and the
        # warm-up that loads the machine's trust store on another core (KubernetesWarmUp) must cost the triage nothing
        # when there is none. OpenSSL, and .NET with it, takes the store from SSL_CERT_FILE and SSL_CERT_DIR.
        $world = $worlds['healthy']
        $noStore = Join-Path $TestDrive 'no-trust-store'
        $null = New-Item -ItemType Directory -Force $noStore
        $script = "Import-Module '$($env:POSTHOGRUNBOOK_MODULE)'; (Invoke-PostHogTriage -Check Workload, ErrorLogs -KubeConfig '$($world.Lab.kubeconfig)' -TimeoutSec 20).Checks | Where-Object Status -ne Skipped | ForEach-Object { '{0}={1}' -f `$_.Name, `$_.Status }"
        $run = Wait-FreshPwsh (Start-FreshPwsh $script -Command -Environment @{ SSL_CERT_FILE = (Join-Path $noStore 'none.pem'); SSL_CERT_DIR = $noStore }) -TimeoutSec 120
        $run.ExitCode | Should -Be 0 -Because $run.Errors
        @($run.Output -split '\r?\n' | Where-Object { $_ }) | Sort-Object | Should -Be @('ErrorLogs=Pass', 'Workload=Pass') -Because $run.Errors
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
