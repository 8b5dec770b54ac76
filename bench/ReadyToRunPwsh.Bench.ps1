# Dot-sourced by Invoke-Bench.ps1 inside section 2, after the scheduled-job rows ($job, $jobCommand, $whole, $manual, $Runs in scope).
# The same scheduled job on a ReadyToRun copy of this very pwsh: the dotnet tool package of pwsh ships IL only, while
# the official packages (the Linux tarball, deb/rpm, the Microsoft container images a CI runner uses) ship ReadyToRun
# code. Compiling a copy with the Crossgen2 package the Package step already restored separates what pwsh's
# packaging costs from what the module costs. Skipped (and said) when that package is not on this machine.

. (Join-Path $repository 'build/ReadyToRunPwsh.ps1')

# Kept in out/pwsh-readytorun-<pwsh>-<runtime> and reused by the next run.
$nuGetRoot = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
$readyToRunPwsh = New-ReadyToRunPwsh -Root (Join-Path $repository 'out') -NuGetPackageRoot $nuGetRoot
if ($readyToRunPwsh) {
    $savedFresh = $freshPwsh, $freshPwshArguments
    try {
        $script:freshPwsh = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
        $script:freshPwshArguments = @(Join-Path $readyToRunPwsh 'pwsh.dll')
        # Cache folders of their own: the start-up profiles of the IL pwsh do not fit this copy.
        $r2rJobEnv = $job.Clone(); $r2rJobEnv.XDG_CACHE_HOME = Join-Path $repository 'out/bench/cache-r2r-job'
        $r2rBareEnv = $bare.Clone(); $r2rBareEnv.XDG_CACHE_HOME = Join-Path $repository 'out/bench/cache-r2r-bare'
        $r2rFloorEnv = $floor.Clone(); $r2rFloorEnv.XDG_CACHE_HOME = Join-Path $repository 'out/bench/cache-r2r-floor'
        $null = Invoke-FreshProcess $r2rJobEnv @('-NoProfile', '-Command', $jobCommand)   # warm-up: the OS file cache of the copy
        $null = Invoke-FreshProcess $r2rBareEnv @('-NoProfile', '-Command', 'exit')
        $null = Invoke-FreshProcess $r2rFloorEnv @('-NoProfile', '-Command', $floorCommand)
        $r2rJobRuns = @(); $r2rBareRuns = @(); $r2rFloorRuns = @()
        foreach ($i in 1..$Runs) {
            $r2rJobRuns += Invoke-FreshProcess $r2rJobEnv @('-NoProfile', '-Command', $jobCommand)
            $r2rBareRuns += Invoke-FreshProcess $r2rBareEnv @('-NoProfile', '-Command', 'exit')
            $r2rFloorRuns += Invoke-FreshProcess $r2rFloorEnv @('-NoProfile', '-Command', $floorCommand)
        }
    }
    finally { $script:freshPwsh, $script:freshPwshArguments = $savedFresh }
    if (@($r2rJobRuns | Where-Object { $_.ExitCode -notin 0, 1 }).Count -gt 0) { throw "The scheduled job failed on the ReadyToRun pwsh: $($r2rJobRuns[0].Output -join "`n")" }
    $r2rJob = Get-Median $r2rJobRuns.Ms
    $r2rBare = Get-Median $r2rBareRuns.Ms
    $r2rFloor = Get-Median $r2rFloorRuns.Ms
    $r2rRatio = $manual.Median / $r2rJob
    $r2rCold = $r2rJob - $r2rBare - $whole.Median
    $results["  the same job on a ReadyToRun copy of this pwsh (crossgen2 $([Environment]::Version), as pwsh's official packages ship; median of $Runs)"] = [pscustomobject]@{ Measured = (Format-Ms $r2rJob) + (& $cpuText $r2rJobRuns); Goal = '-'; Met = $null }
    $results['  bare `pwsh -NoProfile -Command exit` on that ReadyToRun copy'] = [pscustomobject]@{ Measured = (Format-Ms $r2rBare) + (& $cpuText $r2rBareRuns); Goal = '-'; Met = $null }
    $results['  floor on that ReadyToRun copy (the do-nothing module, installed the same way)'] = [pscustomobject]@{ Measured = (Format-Ms $r2rFloor) + (& $cpuText $r2rFloorRuns); Goal = '-'; Met = $null }
    $results['  Runbook commands / scheduled job, on the ReadyToRun pwsh'] = [pscustomobject]@{ Measured = '{0:0.00}x' -f $r2rRatio; Goal = '(>= 1.5x)'; Met = $null }
    $results['  the best any binary module can reach on the ReadyToRun pwsh: runbook commands / floor'] = [pscustomobject]@{ Measured = '{0:0.00}x' -f ($manual.Median / $r2rFloor); Goal = '-'; Met = $null }
    $results['  Module''s own cold cost on the ReadyToRun pwsh: job - bare - warm triage'] = [pscustomobject]@{ Measured = Format-Ms $r2rCold; Goal = '(< 300 ms)'; Met = $null }
    $results['    of which pwsh''s (floor - bare - warm triage) and the module''s own (job - floor)'] = [pscustomobject]@{ Measured = '{0} and {1}' -f (Format-Ms ($r2rFloor - $r2rBare - $whole.Median)), (Format-Ms ($r2rJob - $r2rFloor)); Goal = '-'; Met = $null }
    $notes.Add("The ReadyToRun rows run the same job on a copy of this pwsh whose own assemblies ($((Get-Content (Join-Path $readyToRunPwsh '.complete')) -join ', ')) were compiled by crossgen2 into out/ (build/ReadyToRunPwsh.ps1), as pwsh's release packages are: they show what is pwsh's packaging and what is the module's. The goals are judged on the rows above, on the pwsh this repository pins.")
}
else {
    $notes.Add('The ReadyToRun-pwsh comparison was skipped: the Crossgen2 package for this runtime is not in the NuGet cache (build.ps1 Package restores it).')
}
