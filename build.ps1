#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, packages, tests, demonstrates and benchmarks PostHogRunbook.
.DESCRIPTION
    Build    compiles the solution (module, engine, lab, tests) in Release.
    Package  assembles out/PostHogRunbook/<version>/ from an allow-list (fails on a missing file), the model, the
             engine and its dependencies compiled ReadyToRun for linux-x64 (-NoReadyToRun: plain IL).
    Test     Build; xunit beside Package; then Pester in fresh pwsh workers against the package; prints
             'N passed, N failed, N skipped' for both together and exits non-zero on any failure.
    Demo     Build, Package, start the lab, run the runbook pipeline against it, stop the lab.
    Bench    Build, Package, measure the performance goals, write bench/RESULTS.md.
    Clean    removes out/ and every bin/ and obj/.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Package', 'Test', 'Demo', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    # Demo only: the lab scenario to run the pipeline against.
    [string] $Scenario = 'us-outage',

    # Test only: run only the Pester files whose name matches this wildcard (e.g. 'Get*'); all when empty.
    [string] $PesterFilter = '',

    # Package, Test, Demo, Bench: ship plain IL, without the ReadyToRun step (a minute faster; slower first triage).
    [switch] $NoReadyToRun
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$configuration = 'Release'
$outRoot = Join-Path $root 'out'

function Get-ModuleVersion {
    [xml] $props = Get-Content -Raw (Join-Path $root 'Directory.Build.props')
    $version = @($props.Project.PropertyGroup | ForEach-Object { $_.ModuleVersion } | Where-Object { $_ })[0]
    if (-not $version) { throw 'Directory.Build.props has no ModuleVersion.' }
    $version
}

function Get-NuGetPackageRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = & dotnet nuget locals global-packages --list
    ($line -replace '^global-packages:\s*', '').Trim()
}

# A plain function on purpose: $args passes dotnet's own switches (-c, -v) through untouched.
function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    Write-Host '== Build' -ForegroundColor Cyan
    Invoke-Dotnet build (Join-Path $root 'PostHogRunbook.sln') -c $configuration --nologo --verbosity minimal | Out-Host
}

function Invoke-Package {
    Write-Host '== Package' -ForegroundColor Cyan
    $version = Get-ModuleVersion
    $binary = Join-Path $root "src/PostHogRunbook/bin/$configuration/net8.0"
    $source = Join-Path $root 'src/PostHogRunbook'
    $target = Join-Path $outRoot "PostHogRunbook/$version"
    if (Test-Path $target) { Remove-Item -Recurse -Force $target }

    # ReadyToRun: the model, the engine and what it ships compiled ahead of time for linux-x64 on .NET 10 (pwsh 7.6),
    # the IL kept inside each file for every other runtime (build/ReadyToRun says why). -NoReadyToRun ships plain IL.
    $compiled = $binary
    if (-not $NoReadyToRun) {
        $compiled = Join-Path $outRoot 'readytorun'
        Write-Host '== ReadyToRun (Crossgen2, linux-x64)' -ForegroundColor Cyan
        Invoke-Dotnet publish (Join-Path $root 'build/ReadyToRun/PostHogRunbook.ReadyToRun.csproj') -c $configuration --nologo `
            --verbosity minimal "-p:IlDirectory=$binary" -o $compiled | Out-Host
    }

    # The allow-list: exactly what ships, from where. A missing file fails the build.
    $files = [ordered]@{
        'PostHogRunbook.dll'                 = Join-Path $binary 'PostHogRunbook.dll'
        'PostHogRunbook.Model.dll'           = Join-Path $compiled 'PostHogRunbook.Model.dll'
        'PostHogRunbook.Format.ps1xml'       = Join-Path $source 'Formats/PostHogRunbook.Format.ps1xml'
        'LICENSE'                            = Join-Path $root 'LICENSE'
        'en-US/about_PostHogRunbook.help.txt' = Join-Path $source 'en-US/about_PostHogRunbook.help.txt'
        'Dependencies/PostHogRunbook.Engine.dll' = Join-Path $compiled 'PostHogRunbook.Engine.dll'
        'Dependencies/KubernetesClient.dll'  = Join-Path $compiled 'KubernetesClient.dll'
        'Dependencies/YamlDotNet.dll'        = Join-Path $compiled 'YamlDotNet.dll'
        'Dependencies/Fractions.dll'         = Join-Path $compiled 'Fractions.dll'
        'Dependencies/Polly.Core.dll'        = Join-Path $compiled 'Polly.Core.dll'
    }
    foreach ($entry in $files.GetEnumerator()) {
        if (-not (Test-Path -LiteralPath $entry.Value -PathType Leaf)) {
            throw "Package: '$($entry.Value)' is missing (for $($entry.Key)). Run the Build task first."
        }
        $destination = Join-Path $target $entry.Key
        New-Item -ItemType Directory -Force -Path (Split-Path $destination) | Out-Null
        Copy-Item -LiteralPath $entry.Value -Destination $destination
    }

    # The one version source is Directory.Build.props: stamp it into the packaged manifest.
    $manifest = Get-Content -Raw (Join-Path $root 'PostHogRunbook.psd1')
    $stamped = $manifest -replace "(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'", "`${1}'$version'"
    if ($stamped -eq $manifest -and $manifest -notmatch "ModuleVersion\s*=\s*'$([regex]::Escape($version))'") {
        throw 'Package: could not stamp ModuleVersion into the manifest.'
    }
    Set-Content -LiteralPath (Join-Path $target 'PostHogRunbook.psd1') -Value $stamped -NoNewline -Encoding utf8

    # MAML help, generated from Help/*.help.psd1 and the cmdlets' own parameter metadata (a child pwsh
    # imports the staged module, so this session never loads the dlls it just copied).
    $helpFile = Join-Path $target 'en-US/PostHogRunbook.dll-Help.xml'
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $source 'Help/Build-MamlHelp.ps1') `
        -ModuleManifest (Join-Path $target 'PostHogRunbook.psd1') -OutputPath $helpFile | Out-Host
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $helpFile)) { throw 'Package: writing the MAML help failed.' }
    $bytes = (Get-ChildItem -Recurse -File $target | Measure-Object -Sum Length).Sum
    Write-Host ("Packaged {0} ({1:0.0} MB{2})" -f $target, ($bytes / 1MB), $(if ($NoReadyToRun) { ', IL only' } else { ', ReadyToRun linux-x64' }))
    $target
}

function Read-TrxCounts([string] $path) {
    [xml] $trx = Get-Content -Raw $path
    $counters = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{
        Passed  = [int] $counters.passed
        Failed  = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
        Skipped = [int] $counters.notExecuted
    }
}

# xunit in the background (a thread job running dotnet test, its output to a file), so that the package step runs
# beside it: each leaves part of a core idle on its own (measured: 75 s for both against 34 + 51 one after the other).
function Start-XunitTests {
    $results = Join-Path $outRoot 'test-results'
    New-Item -ItemType Directory -Force -Path $results | Out-Null
    $trx = Join-Path $results 'engine.trx'
    $log = Join-Path $results 'xunit.log'
    Remove-Item -Force -ErrorAction Ignore $trx, $log
    $job = Start-ThreadJob -ArgumentList (Join-Path $root 'tests/PostHogRunbook.Engine.Tests'), $configuration, $trx, $results, $log -ScriptBlock {
        param($project, $configuration, $trx, $results, $log)
        & dotnet test $project -c $configuration --no-build --nologo --logger 'console;verbosity=normal' --logger "trx;LogFileName=$trx" --results-directory $results *> $log
        $LASTEXITCODE
    }
    [pscustomobject]@{ Job = $job; Trx = $trx; Log = $log }
}

function Complete-XunitTests($Started) {
    $exit = Receive-Job -Job $Started.Job -Wait -AutoRemoveJob
    Write-Host '== xunit' -ForegroundColor Cyan
    Get-Content -LiteralPath $Started.Log -ErrorAction Ignore | Out-Host
    if (-not (Test-Path $Started.Trx)) {
        Write-Host "xunit produced no results (exit code $exit)." -ForegroundColor Red
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $counts = Read-TrxCounts $Started.Trx
    if ($exit -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 }
    $counts
}

function Invoke-PesterTests([string] $modulePath) {
    Write-Host '== Pester (fresh pwsh, packaged module)' -ForegroundColor Cyan
    $summary = Join-Path $outRoot 'test-results/pester-summary.json'
    Remove-Item -Force -ErrorAction Ignore $summary
    $pester = Join-Path (Get-NuGetPackageRoot) 'pester/6.2.0/tools/Pester.psd1'
    if (-not (Test-Path $pester)) { throw "Pester 6.2.0 is not restored at $pester (the Build task restores it)." }
    # The filter travels in the environment: pwsh on Unix would expand a '*' argument to a native command into file names.
    $env:POSTHOGRUNBOOK_PESTER_FILTER = $PesterFilter
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/pester/Invoke-PesterSuite.ps1') `
        -ModuleManifest (Join-Path $modulePath 'PostHogRunbook.psd1') -PesterManifest $pester -SummaryPath $summary | Out-Host
    $exit = $LASTEXITCODE
    if (-not (Test-Path $summary)) {
        Write-Host "Pester produced no summary (exit code $exit)." -ForegroundColor Red
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    Get-Content -Raw $summary | ConvertFrom-Json
}

switch ($Task) {
    'Clean' {
        Remove-Item -Recurse -Force -ErrorAction Ignore $outRoot
        Get-ChildItem -Path (Join-Path $root 'src'), (Join-Path $root 'tests'), (Join-Path $root 'build') -Directory -Recurse -Include bin, obj |
            Remove-Item -Recurse -Force
        Write-Host 'Clean.'
    }
    'Build' { Invoke-Build }
    'Package' { Invoke-Build; Invoke-Package | Out-Null }
    'Test' {
        $xunit = $null; $pester = $null
        # How long each tier took, printed before the summary: where the suite's minutes go.
        $tiers = [ordered]@{}
        $total = [Diagnostics.Stopwatch]::StartNew()
        function Measure-Tier([string] $Name, [scriptblock] $Work) {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            try { & $Work } finally { $tiers[$Name] = $clock.Elapsed.TotalSeconds }
        }
        try {
            Measure-Tier 'build' { Invoke-Build }
            $started = Start-XunitTests
            try {
                $modulePath = Measure-Tier 'package' { Invoke-Package }
            }
            finally { $xunit = Measure-Tier 'xunit (beside package, waited for)' { Complete-XunitTests $started } }
            $pester = Measure-Tier 'Pester' { Invoke-PesterTests $modulePath }
        }
        catch {
            Write-Host "Test task failed: $_" -ForegroundColor Red
            if (-not $xunit) { $xunit = [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
            if (-not $pester) { $pester = [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
        }
        $passed = $xunit.Passed + $pester.Passed
        $failed = $xunit.Failed + $pester.Failed
        $skipped = $xunit.Skipped + $pester.Skipped
        Write-Host ("xunit: {0} passed, {1} failed, {2} skipped; Pester: {3} passed, {4} failed, {5} skipped" -f `
                $xunit.Passed, $xunit.Failed, $xunit.Skipped, $pester.Passed, $pester.Failed, $pester.Skipped)
        Write-Host ('Time: {0}; in all {1:n0} s' -f (($tiers.GetEnumerator() | ForEach-Object { '{0} {1:n0} s' -f $_.Key, $_.Value }) -join ', '), $total.Elapsed.TotalSeconds)
        Write-Host "$passed passed, $failed failed, $skipped skipped"
        if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
        exit 0
    }
    'Demo' {
        Invoke-Build
        $modulePath = Invoke-Package
        & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/demo/Invoke-Demo.ps1') `
            -ModuleManifest (Join-Path $modulePath 'PostHogRunbook.psd1') -Scenario $Scenario
        exit $LASTEXITCODE
    }
    'Bench' {
        Invoke-Build
        $modulePath = Invoke-Package
        & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'bench/Invoke-Bench.ps1') `
            -ModuleManifest (Join-Path $modulePath 'PostHogRunbook.psd1') -ResultsPath (Join-Path $root 'bench/RESULTS.md')
        exit $LASTEXITCODE
    }
}
