<#
.SYNOPSIS
    Measures the performance goals of DESIGN.md against the lab and writes bench/RESULTS.md.
    Run by `./build.ps1 Bench` (fresh pwsh, packaged module). Medians of several runs; ratios from one run.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultsPath,
    [int] $Runs = 5,
    [int] $LatencyMs = 300,
    # Only these sections (for working on one); RESULTS.md is written only when all four ran.
    [ValidateRange(1, 7)] [int[]] $Section = @(1, 2, 3, 4, 5, 6, 7)
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$repository = Resolve-Path (Join-Path $PSScriptRoot '..')
Import-Module (Join-Path $repository 'tests/pester/LabHarness.psm1')
Import-Module (Join-Path $repository 'tests/pester/Prometheus.psm1')
Import-Module $ModuleManifest

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $middle = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function Measure-Median([int] $Count, [scriptblock] $Action) {
    $times = foreach ($i in 1..$Count) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        & $Action | Out-Null
        $clock.Elapsed.TotalMilliseconds
    }
    [pscustomobject]@{ Median = Get-Median $times; All = $times }
}

function Format-Ms([double] $Ms) { '{0:0} ms' -f $Ms }

# A brand-new pwsh, as a CI runner starts one: dotnet running this very pwsh.dll (or the pwsh executable), never
# through `dotnet pwsh` (the tool manifest lookup would add its own start-up to every row alike).
$freshPwsh = (Get-Process -Id $PID).Path
$freshPwshArguments = @(if ((Split-Path -Leaf $freshPwsh) -like 'dotnet*') { [Reflection.Assembly]::GetEntryAssembly().Location })

$timeTool = @(Get-Command /usr/bin/time -CommandType Application -ErrorAction Ignore)[0].Source

# Runs one fresh pwsh with extra environment variables; returns wall time, exit code and output.
function Invoke-FreshProcess([hashtable] $Environment, [string[]] $Arguments) {
    $saved = @{}
    foreach ($name in $Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
    $cpuFile = [IO.Path]::GetTempFileName()
    try {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        # GNU time, when there, adds the process's CPU time (user + system): a steadier figure than wall time on a busy machine.
        $output = if ($timeTool) { & $timeTool -f '%U %S' -o $cpuFile $freshPwsh @freshPwshArguments @Arguments 2>&1 } else { & $freshPwsh @freshPwshArguments @Arguments 2>&1 }
        $clock.Stop()
        $exit = $LASTEXITCODE
        $cpu = if ($timeTool) { ((Get-Content $cpuFile | Select-Object -Last 1) -split ' ' | ForEach-Object { [double] $_ } | Measure-Object -Sum).Sum * 1000 } else { $null }
        [pscustomobject]@{ Ms = $clock.Elapsed.TotalMilliseconds; CpuMs = $cpu; ExitCode = $exit; Output = @($output | ForEach-Object { "$_" }) }
    }
    finally { foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }; Remove-Item -Force -ErrorAction Ignore $cpuFile }
}

$pwsh = (Get-Process -Id $PID).Path
$pwshPrefix = @(if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { 'pwsh' })
$results = [ordered]@{}
$coldSteps = $null
$notes = [System.Collections.Generic.List[string]]::new()
$machine = "$([Environment]::ProcessorCount) cores, $([math]::Round([double]((Get-Content /proc/meminfo -TotalCount 1) -replace '\D') / 1MB, 1)) GiB, $([Runtime.InteropServices.RuntimeInformation]::OSDescription), pwsh $($PSVersionTable.PSVersion)"

if ($Section -contains 1) {
    Write-Host '== 1. Import plus the first Get-PostHogStatus in a fresh pwsh' -ForegroundColor Cyan
    $lab = Start-PostHogLab -Scenario healthy
    try {
        $script = "`$clock = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$ModuleManifest'; Get-PostHogStatus -StatusPageUrl '$($lab.statusPage)' | Out-Null; `$clock.Elapsed.TotalMilliseconds"
        $coldTimes = foreach ($i in 1..$Runs) { [double] (& $pwsh @pwshPrefix -NoProfile -NonInteractive -Command $script) }
        $results['Import + first Get-PostHogStatus (fresh pwsh, in-process stopwatch)'] = [pscustomobject]@{ Measured = Format-Ms (Get-Median $coldTimes); Goal = '< 1500 ms'; Met = (Get-Median $coldTimes) -lt 1500 }
        $notes.Add('Import + first call is timed inside the fresh pwsh, from before Import-Module to the answer: the start of pwsh itself (about a second here) is not the module''s cost.')
    }
    finally { Stop-PostHogLab $lab }
}

if ($Section -contains 2) {
    Write-Host "== 2. Triage with every lab dependency $LatencyMs ms away" -ForegroundColor Cyan
    $lab = Start-PostHogLab -Scenario us-outage -LatencyMs 0
    $prometheus = Start-LabPrometheus -MetricsUrl "$($lab.app)/metrics"
    try {
        # The module's cold path, step by step, in fresh processes (the lab still answers at once): where the time goes.
        $packageRoot = Split-Path (Split-Path (Split-Path $ModuleManifest))
        $onModulePath = @{ PSModulePath = "$packageRoot$([IO.Path]::PathSeparator)$env:PSModulePath" }
        $triageJson = $null
        $stepRuns = foreach ($i in 1..$Runs) {
            $json = @{ StatusPageUrl = $lab.statusPage; HealthUrl = "$($lab.app)/health"; PostHogHost = $lab.posthog; Region = 'US'; KubeConfig = $lab.kubeconfig; TimeoutSec = 20
                PrometheusUrl = if ($prometheus.Available) { $prometheus.Url } else { $lab.deadUrl } } | ConvertTo-Json -Compress
            $triageJson = $json
            $run = Invoke-FreshProcess $onModulePath @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Measure-ColdPath.ps1'),
                '-KubeConfig', $lab.kubeconfig, '-StatusPageUrl', $lab.statusPage, '-TriageJson', $json)
            if ($run.ExitCode -ne 0) { throw "Measure-ColdPath.ps1 failed: $($run.Output -join "`n")" }
            $run.Output[-1] | ConvertFrom-Json
        }
        $coldSteps = foreach ($step in $stepRuns[0].marks.step) {
            $of = @($stepRuns | ForEach-Object { $_.marks | Where-Object step -eq $step })
            [pscustomobject]@{ Step = $step; Ms = Get-Median $of.ms; Jit = Get-Median $of.jit; JitMs = Get-Median $of.jitMs }
        }

        Set-PostHogLabLatency $lab $LatencyMs
        $triage = @{
            StatusPageUrl = $lab.statusPage; HealthUrl = "$($lab.app)/health"; PostHogHost = $lab.posthog; Region = 'US'
            KubeConfig = $lab.kubeconfig; PrometheusUrl = if ($prometheus.Available) { $prometheus.Url } else { $lab.deadUrl }; TimeoutSec = 20
        }
        Invoke-PostHogTriage @triage | Out-Null   # warm-up: JIT, TLS, connection pools
        $whole = Measure-Median $Runs { Invoke-PostHogTriage @triage }
        $alone = foreach ($check in 'StatusPage', 'PostHogApi', 'AppHealth', 'ErrorRate', 'Workload', 'ErrorLogs') {
            Invoke-PostHogTriage @triage -Check $check | Out-Null
            [pscustomobject]@{ Check = $check; Median = (Measure-Median $Runs { Invoke-PostHogTriage @triage -Check $check }).Median }
        }
        $slowest = $alone | Sort-Object Median -Descending | Select-Object -First 1

        # The runbook's quick triage, typed one after another: the status page, /health, the Prometheus query, the logs.
        $query = [uri]::EscapeDataString('sum by (status) (rate(posthog_errors_total[5m]))')
        $sequential = @"
curl -s '$($lab.statusPage)/api/v1/summary' > /dev/null
curl -s '$($lab.app)/health' > /dev/null
curl -s '$($triage.PrometheusUrl)/api/v1/query?query=$query' > /dev/null
kubectl --kubeconfig '$($lab.kubeconfig)' logs -l app=posthog-integration --since=5m | grep -i error > /dev/null
"@
        & bash -c $sequential   # warm-up: kubectl's discovery cache
        $manual = Measure-Median $Runs { & bash -c $sequential }

        # The scheduled job (issue 12): a fresh pwsh per run, configured by the environment as a CI job is, the module
        # installed where Install-PSResource puts it for the current user (<XDG_DATA_HOME>/powershell/Modules, searched
        # first) and auto-loaded by the command's name. Beside it the bare pwsh, and the floor: a do-nothing binary
        # module of the same shape installed the same way (bench/ColdPathFloor), which waits as long as the warm
        # triage took and fails the same way: what pwsh itself spends to auto-load a binary module, bind a cmdlet and
        # print its error. Each case keeps its own pwsh cache folder (its start-up profile), as a runner that runs
        # only that job would; PSModulePath is pwsh's default (not this session's).
        $userData = Join-Path $repository 'out/bench/user-data'
        $userModules = Join-Path $userData 'powershell/Modules'
        Remove-Item -Recurse -Force -ErrorAction Ignore $userData
        $version = Split-Path -Leaf (Split-Path $ModuleManifest)
        $null = New-Item -ItemType Directory -Force (Join-Path $userModules "PostHogRunbook/$version"), (Join-Path $userModules 'PostHogRunbookFloor/0.1.0')
        Copy-Item -Recurse -Path (Join-Path (Split-Path $ModuleManifest) '*') -Destination (Join-Path $userModules "PostHogRunbook/$version")
        $floorBuild = Join-Path $repository 'out/bench/floor-build'
        & dotnet build (Join-Path $PSScriptRoot 'ColdPathFloor/ColdPathFloor.csproj') -c Release --nologo --verbosity quiet -o $floorBuild | Out-Host
        if ($LASTEXITCODE -ne 0) { throw 'bench/ColdPathFloor did not build.' }
        Copy-Item (Join-Path $floorBuild 'PostHogRunbookFloor.dll'), (Join-Path $PSScriptRoot 'ColdPathFloor/PostHogRunbookFloor.psd1') (Join-Path $userModules 'PostHogRunbookFloor/0.1.0')
        $installedAs = { param([string] $Case) @{ PSModulePath = $null; XDG_DATA_HOME = $userData; XDG_CACHE_HOME = (Join-Path $repository "out/bench/cache-$Case") } }
        $job = (& $installedAs 'job') + @{
            POSTHOG_RUNBOOK_STATUS_PAGE_URL = $lab.statusPage; POSTHOG_RUNBOOK_HEALTH_URL = "$($lab.app)/health"; POSTHOG_RUNBOOK_POSTHOG_HOST = $lab.posthog
            POSTHOG_RUNBOOK_REGION = 'US'; POSTHOG_RUNBOOK_KUBECONFIG = $lab.kubeconfig; POSTHOG_RUNBOOK_PROMETHEUS_URL = $triage.PrometheusUrl; POSTHOG_RUNBOOK_TIMEOUT_SEC = '20'
        }
        $bare = & $installedAs 'bare'
        $floor = (& $installedAs 'floor') + @{ POSTHOG_RUNBOOK_FLOOR_WAIT_MS = [string] [math]::Round($whole.Median) }
        $jobCommand = 'Invoke-PostHogTriage -Quiet -FailOnSeverity P2'
        $floorCommand = 'Invoke-PostHogTriageFloor -Quiet -FailOnSeverity P2'
        # The floor again without -FailOnSeverity (exit 0, nothing printed): what pwsh spends printing the failure.
        $floorPassCommand = 'Invoke-PostHogTriageFloor -Quiet'
        $null = Invoke-FreshProcess $job @('-NoProfile', '-Command', $jobCommand)   # warm-up: the OS file cache, each case's start-up profile
        $null = Invoke-FreshProcess $bare @('-NoProfile', '-Command', 'exit')
        $null = Invoke-FreshProcess $floor @('-NoProfile', '-Command', $floorCommand)
        $jobRuns = @(); $bareRuns = @(); $floorRuns = @(); $floorPassRuns = @()
        foreach ($i in 1..$Runs) {
            # Interleaved, so that a busy moment of the machine falls on all of them alike.
            $jobRuns += Invoke-FreshProcess $job @('-NoProfile', '-Command', $jobCommand)
            $bareRuns += Invoke-FreshProcess $bare @('-NoProfile', '-Command', 'exit')
            $floorRuns += Invoke-FreshProcess $floor @('-NoProfile', '-Command', $floorCommand)
            $floorPassRuns += Invoke-FreshProcess $floor @('-NoProfile', '-Command', $floorPassCommand)
        }
        $jobExit = @($jobRuns.ExitCode | Sort-Object -Unique) -join ', '

        # Whose code the job JIT-compiles beyond what bare pwsh does: the runtime's own list (DOTNET_JitStdOutFile).
        $jitLists = foreach ($case in @{ Name = 'job'; Env = $job; Command = $jobCommand }, @{ Name = 'bare'; Env = $bare; Command = 'exit' }) {
            $list = Join-Path ([IO.Path]::GetTempPath()) "posthog-bench-jit-$($case.Name)-$PID.txt"
            $null = Invoke-FreshProcess ($case.Env + @{ DOTNET_JitDisasmSummary = '1'; DOTNET_JitStdOutFile = $list }) @('-NoProfile', '-Command', $case.Command)
            , @(Get-Content $list | ForEach-Object { if ($_ -match 'JIT compiled (\S+)') { $Matches[1] } })
            Remove-Item -Force -ErrorAction Ignore $list
        }
        $bareSet = @{}
        foreach ($method in $jitLists[1]) { $bareSet[$method] = 1 + [int] $bareSet[$method] }
        $jobOnly = foreach ($method in $jitLists[0]) { if ($bareSet[$method]) { $bareSet[$method]-- } else { $method } }
        $jitByOwner = $jobOnly | Group-Object {
            switch -Regex ($_) {
                '^(System\.Management\.Automation|Microsoft\.PowerShell)' { 'pwsh' }
                '^Newtonsoft' { 'Newtonsoft.Json (pwsh''s copy)' }
                '^(PostHogRunbook|k8s|YamlDotNet|Fractions)' { 'the module and its dependencies' }
                default { 'the framework (mostly generic instantiations over the types above)' }
            }
        } | Sort-Object Count -Descending
        $smaPath = [Management.Automation.PSObject].Assembly.Location
        $smaStream = [IO.File]::OpenRead($smaPath)
        try { $smaReadyToRun = [Reflection.PortableExecutable.PEReader]::new($smaStream).PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0 } finally { $smaStream.Dispose() }
        if (@($jobRuns | Where-Object { $_.ExitCode -notin 0, 1 }).Count -gt 0) { throw "The scheduled job failed to run: $($jobRuns[0].Output -join "`n")" }
        if (@($floorRuns | Where-Object { $_.ExitCode -ne 1 -or ($_.Output -join ' ') -notmatch 'floor module' }).Count -gt 0) { throw "The floor job did not fail as the triage does: $($floorRuns[0].Output -join "`n")" }
        $jobMedian = Get-Median $jobRuns.Ms
        $bareMedian = Get-Median $bareRuns.Ms
        $floorMedian = Get-Median $floorRuns.Ms
        if (@($floorPassRuns | Where-Object { $_.ExitCode -ne 0 }).Count -gt 0) { throw "The passing floor job failed: $($floorPassRuns[0].Output -join "`n")" }
        $floorPassMedian = Get-Median $floorPassRuns.Ms
        # The first, second and tenth triage in one process; beside them (interleaved) the first triage's floor, the
        # floor module's leanest read of the cluster (Invoke-PostHogClusterFloor) called as often in its own process.
        $floorModulePath = @{ PSModulePath = "$userModules$([IO.Path]::PathSeparator)$env:PSModulePath" }
        $inProcess = [Collections.Generic.List[object]]::new()
        $clusterFloor = [Collections.Generic.List[object]]::new()
        foreach ($i in 1..$Runs) {
            foreach ($case in @{ Env = $onModulePath; Extra = @(); Into = $inProcess }, @{ Env = $floorModulePath; Extra = @('-ClusterFloor'); Into = $clusterFloor }) {
                $run = Invoke-FreshProcess $case.Env (@('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Measure-ColdPath.ps1'),
                    '-KubeConfig', $lab.kubeconfig, '-StatusPageUrl', $lab.statusPage, '-TriageJson', $triageJson, '-Triages', 10, '-TriagesOnly') + $case.Extra)
                if ($run.ExitCode -ne 0) { throw "Measure-ColdPath.ps1 -TriagesOnly $($case.Extra) failed: $($run.Output -join "`n")" }
                $case.Into.Add(@(($run.Output[-1] | ConvertFrom-Json).triages))   # one array per process, not flattened
            }
        }
        $first = Get-Median @($inProcess | ForEach-Object { $_[0] })
        $second = Get-Median @($inProcess | ForEach-Object { $_[1] })
        $tenth = Get-Median @($inProcess | ForEach-Object { $_[9] })
        $floorFirst = Get-Median @($clusterFloor | ForEach-Object { $_[0] })
        $floorSecond = Get-Median @($clusterFloor | ForEach-Object { $_[1] })
        $floorTenth = Get-Median @($clusterFloor | ForEach-Object { $_[9] })

        $ratioSlowest = $whole.Median / $slowest.Median
        $ratioManual = $manual.Median / $whole.Median
        $results["Triage, all six checks, every lab dependency $LatencyMs ms away (median of $Runs)"] = [pscustomobject]@{ Measured = Format-Ms $whole.Median; Goal = '-'; Met = $null }
        foreach ($entry in $alone) {
            $results["  $($entry.Check) alone (-Check $($entry.Check))"] = [pscustomobject]@{ Measured = Format-Ms $entry.Median; Goal = '-'; Met = $null }
        }
        $results["Runbook commands one after another (curl x3, then kubectl logs piped to grep)"] = [pscustomobject]@{ Measured = Format-Ms $manual.Median; Goal = '-'; Met = $null }
        $results["Triage / slowest check alone ($($slowest.Check))"] = [pscustomobject]@{ Measured = '{0:0.00}x' -f $ratioSlowest; Goal = '<= 1.3x'; Met = $ratioSlowest -le 1.3 }
        $results['Runbook commands one after another / triage'] = [pscustomobject]@{ Measured = '{0:0.00}x' -f $ratioManual; Goal = '>= 3x'; Met = $ratioManual -ge 3 }

        $jobRatio = $manual.Median / $jobMedian
        $moduleCold = $jobMedian - $bareMedian - $whole.Median
        $cpuText = { param($runs) if ($timeTool) { ' (CPU {0})' -f (Format-Ms (Get-Median $runs.CpuMs)) } else { '' } }
        $results["Scheduled job: fresh ``pwsh -NoProfile -Command '$jobCommand'`` (module installed for the current user, auto-loaded; configured by the environment; exit $jobExit; median of $Runs)"] = [pscustomobject]@{ Measured = (Format-Ms $jobMedian) + (& $cpuText $jobRuns); Goal = '-'; Met = $null }
        $results["  bare ``pwsh -NoProfile -Command exit`` (median of $Runs, interleaved with the job)"] = [pscustomobject]@{ Measured = (Format-Ms $bareMedian) + (& $cpuText $bareRuns); Goal = '-'; Met = $null }
        $results["  floor: ``$floorCommand``, a do-nothing binary module installed the same way that waits the warm triage's $([math]::Round($whole.Median)) ms and fails the same way (bench/ColdPathFloor)"] = [pscustomobject]@{ Measured = (Format-Ms $floorMedian) + (& $cpuText $floorRuns); Goal = '-'; Met = $null }
        $results['Runbook commands one after another / scheduled job'] = [pscustomobject]@{ Measured = '{0:0.00}x' -f $jobRatio; Goal = '>= 1.5x'; Met = $jobRatio -ge 1.5 }
        $results['  the best any binary module can reach on this pwsh: runbook commands / floor'] = [pscustomobject]@{ Measured = '{0:0.00}x' -f ($manual.Median / $floorMedian); Goal = '-'; Met = $null }
        $results['Module''s own cold cost: scheduled job - bare pwsh - warm triage'] = [pscustomobject]@{ Measured = Format-Ms $moduleCold; Goal = '< 300 ms'; Met = $moduleCold -lt 300 }
        $results['  of which pwsh''s, paid by the do-nothing module too: floor - bare pwsh - warm triage'] = [pscustomobject]@{ Measured = Format-Ms ($floorMedian - $bareMedian - $whole.Median); Goal = '-'; Met = $null }
        $results['    pwsh auto-loading, importing and binding the do-nothing module: floor passing (`Invoke-PostHogTriageFloor -Quiet`, exit 0, nothing printed) - bare pwsh - warm triage'] = [pscustomobject]@{ Measured = Format-Ms ($floorPassMedian - $bareMedian - $whole.Median); Goal = '-'; Met = $null }
        $results['    pwsh printing the failure (the job''s error record, ConciseView compiled cold): floor - floor passing'] = [pscustomobject]@{ Measured = Format-Ms ($floorMedian - $floorPassMedian); Goal = '-'; Met = $null }
        $results['  of which the module''s own: scheduled job - floor'] = [pscustomobject]@{ Measured = Format-Ms ($jobMedian - $floorMedian); Goal = '-'; Met = $null }
        $results['  methods the job JIT-compiles beyond bare pwsh'] = [pscustomobject]@{ Measured = "$(@($jobOnly).Count): " + (($jitByOwner | ForEach-Object { "$($_.Count) $($_.Name)" }) -join ', '); Goal = '-'; Met = $null }
        . (Join-Path $PSScriptRoot 'ReadyToRunPwsh.Bench.ps1')
        $notes.Add("This pwsh's own assemblies are $(if ($smaReadyToRun) { 'ReadyToRun: what pwsh itself runs for the job (command discovery, Import-Module, binding, formatting the error) is mostly precompiled' } else { 'IL only (the dotnet tool package of pwsh ships no ReadyToRun code): everything pwsh itself runs for the job (command discovery, Import-Module, binding, formatting the error) is JIT-compiled in every process, and counts in the module''s cold cost as the issue defines it' }). The packaged module's code is ReadyToRun; what it still JIT-compiles is generic instantiations of framework types over its types, which ReadyToRun cannot pre-compile outside the framework.")
        $results["First triage in a fresh process (median of $Runs processes)"] = [pscustomobject]@{ Measured = '{0} ({1:0.00}x the tenth)' -f (Format-Ms $first), ($first / $tenth); Goal = '<= 1.2x the tenth'; Met = ($first / $tenth) -le 1.2 }
        $results['  second triage in the same process'] = [pscustomobject]@{ Measured = '{0} ({1:0.00}x the tenth)' -f (Format-Ms $second), ($second / $tenth); Goal = '<= 1.2x the tenth'; Met = ($second / $tenth) -le 1.2 }
        $results['  tenth triage in the same process'] = [pscustomobject]@{ Measured = Format-Ms $tenth; Goal = '-'; Met = $null }
        $results["  the first triage's floor: the triage's longest chain (list pods, then every pod's log) alone, with the framework alone (bench/ColdPathFloor Invoke-PostHogClusterFloor), first call in a fresh process (median of $Runs processes, interleaved)"] = [pscustomobject]@{ Measured = '{0} ({1:0.00}x its tenth)' -f (Format-Ms $floorFirst), ($floorFirst / $floorTenth); Goal = '-'; Met = $null }
        $results['    its second and tenth call'] = [pscustomobject]@{ Measured = '{0} ({1:0.00}x) and {2}' -f (Format-Ms $floorSecond), ($floorSecond / $floorTenth), (Format-Ms $floorTenth); Goal = '-'; Met = $null }
        $results["    the module's first triage beyond that floor: first triage - the floor's first call"] = [pscustomobject]@{ Measured = Format-Ms ($first - $floorFirst); Goal = '-'; Met = $null }
        $notes.Add("The first triage's floor (Invoke-PostHogClusterFloor) does only what the triage's longest chain must do, the leanest way a module can: the kubeconfig's server, token and CA read by line (no YAML library), one HttpClient with the CA as its only trust (a TLS handshake per call, as the module opens one client per command), HTTP/2, the pod list parsed by JsonDocument, then every pod's log read at once. No Kubernetes client, no other check, no report. What its first call costs beyond its tenth is what this pwsh and .NET spend the first time anything reads a cluster over TLS in a process; no module's first triage can be closer to its tenth than that.")
        $notes.Add("The scheduled job runs against the same lab and settings as the warm triage (us-outage, so -FailOnSeverity P2 fails the job with TriageSeverityReached: exit 1, as a CI job would). Bare pwsh, the job, the floor and the triage-only processes start as dotnet + pwsh.dll. The job and the floor find their modules where Install-PSResource puts them for the current user (XDG_DATA_HOME/powershell/Modules, the first folder pwsh searches) and auto-load them by the command's name; the triage-only processes have the package's folder on PSModulePath. pwsh saves its module analysis cache only 13 s after it changed (a timer in its AnalysisCache), so no process this short ever writes one: each job analyses the modules it meets, as on a fresh runner. The job prints its report (the verdict is not Healthy) before its error, the floor prints only the error; the floor passing is the same floor without -FailOnSeverity (exit 0, nothing printed), so floor - floor passing is what printing the failure costs pwsh.")
        if (-not $prometheus.Available) { $notes.Add('prometheus was not installed: the ErrorRate check and the curl of the query hit a dead port.') }
        $notes.Add("Prometheus is the real server on loopback, not behind the lab's latency: both the triage and the runbook's curl reach it directly. The status page, PostHog, /health and the Kubernetes API each pay $LatencyMs ms per request.")
    }
    finally {
        Stop-LabPrometheus $prometheus
        Stop-PostHogLab $lab
    }
}

if ($Section -contains 3) {
    Write-Host '== 3. A dependency that never answers' -ForegroundColor Cyan
    $lab = Start-PostHogLab -Scenario unreachable
    try {
        $timeoutSec = 3
        $hung = @{ StatusPageUrl = $lab.statusPage; HealthUrl = "$($lab.app)/health"; PostHogHost = $lab.posthog; KubeConfig = $lab.kubeconfig; PrometheusUrl = $lab.deadUrl; TimeoutSec = $timeoutSec }
        Invoke-PostHogTriage @hung | Out-Null
        $stuck = Measure-Median 3 { Invoke-PostHogTriage @hung }
        $limit = ($timeoutSec + 1) * 1000
        $results["Triage with the status page and PostHog hanging, -TimeoutSec $timeoutSec (median of 3)"] = [pscustomobject]@{ Measured = Format-Ms $stuck.Median; Goal = "<= $limit ms"; Met = $stuck.Median -le $limit }
    }
    finally { Stop-PostHogLab $lab }
}

if ($Section -contains 4) {
    Write-Host '== 4. The lab serving 50 pods x 20 MiB of logs to 8 parallel readers' -ForegroundColor Cyan
    $lab = Start-PostHogLab -Scenario healthy -Pods 50 -LogBytesPerPod (20MB)
    try {
        $kubeconfig = Get-Content -Raw $lab.kubeconfig
        $authority = Join-Path $lab.StateDirectory 'ca.pem'
        [IO.File]::WriteAllBytes($authority, [Convert]::FromBase64String([regex]::Match($kubeconfig, 'certificate-authority-data:\s*(\S+)').Groups[1].Value))
        $token = [regex]::Match($kubeconfig, 'token:\s*(\S+)').Groups[1].Value
        $pods = (kubectl --kubeconfig $lab.kubeconfig get pods -l app=posthog-integration -o 'jsonpath={.items[*].metadata.name}') -split ' '
        $list = Join-Path $lab.StateDirectory 'pods.txt'
        $pods | Set-Content $list
        $clock = [Diagnostics.Stopwatch]::StartNew()
        & bash -c "xargs -P 8 -I{} curl -s --cacert '$authority' -H 'Authorization: Bearer $token' -o /dev/null -w '%{size_download}\n' '$($lab.kubernetes)/api/v1/namespaces/posthog/pods/{}/log?container=integration' < '$list' > '$($lab.StateDirectory)/sizes.txt'"
        $clock.Stop()
        $bytes = (Get-Content "$($lab.StateDirectory)/sizes.txt" | Measure-Object -Sum).Sum
        $peak = [double]((Select-String -Path "/proc/$($lab.Process.Id)/status" -Pattern '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value) / 1024
        $results["Lab peak memory (VmHWM) serving $($pods.Count) pods x 20 MiB to 8 parallel readers ($([math]::Round($bytes / 1MB)) MiB in $([math]::Round($clock.Elapsed.TotalSeconds, 1)) s)"] = [pscustomobject]@{ Measured = '{0:0} MB' -f $peak; Goal = '< 500 MB'; Met = $peak -lt 500 }
    }
    finally { Stop-PostHogLab $lab }
}

# 5: Set-PostHogFallback against kubectl, and the journal's four writers; 6: the evidence bundle (when it ships).
if ($Section -contains 5) { . (Join-Path $PSScriptRoot 'Remediation.Bench.ps1') }
if ($Section -contains 6 -and (Test-Path (Join-Path $PSScriptRoot 'Bundle.Bench.ps1'))) { . (Join-Path $PSScriptRoot 'Bundle.Bench.ps1') }
# 7: the journal kept in the cluster (JournalStore Kubernetes), four writers on one incident.
if ($Section -contains 7) { . (Join-Path $PSScriptRoot 'Journal.Bench.ps1') }

$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add('# Benchmarks')
$lines.Add('')
$lines.Add('Made by `dotnet tool restore && dotnet pwsh ./build.ps1 Bench` (bench/Invoke-Bench.ps1) against the packaged module and the lab.')
$lines.Add("Run: $([DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm')) UTC on $machine. Medians of $Runs runs unless said; ratios come from one run. Never asserted in tests: these machines are noisy.")
$lines.Add('')
$lines.Add('| measure | result | goal | met |')
$lines.Add('| --- | --- | --- | --- |')
foreach ($entry in $results.GetEnumerator()) {
    $met = if ($null -eq $entry.Value.Met) { '' } elseif ($entry.Value.Met) { 'yes' } else { '**no**' }
    $lines.Add("| $($entry.Key) | $($entry.Value.Measured) | $($entry.Value.Goal) | $met |")
}
$lines.Add('')
foreach ($note in $notes) { $lines.Add("- $note") }
if ($coldSteps) {
    $lines.Add('')
    $lines.Add("## Where a fresh process's cold time goes")
    $lines.Add('')
    $lines.Add("bench/Measure-ColdPath.ps1 in a fresh pwsh, the lab answering at once (before its latency is set), medians of $Runs processes. Each step's time includes the methods it JIT-compiles; jit ms is their compile time on any thread. The triages come after the steps, so the first one is already partly warm here.")
    $lines.Add('')
    $lines.Add('| step | ms | methods JIT-compiled | jit ms |')
    $lines.Add('| --- | --- | --- | --- |')
    foreach ($step in $coldSteps) { $lines.Add("| $($step.Step) | $('{0:0}' -f $step.Ms) | $($step.Jit) | $('{0:0}' -f $step.JitMs) |") }
}
if (@(1, 2, 3, 4, 5, 6, 7 | Where-Object { $_ -notin $Section }).Count -eq 0) {
    $lines | Set-Content -LiteralPath $ResultsPath -Encoding utf8
}
else {
    Write-Host "Only sections $($Section -join ', ') ran: $ResultsPath is left as it was." -ForegroundColor Yellow
}
$lines | Write-Host
