# Dot-sourced by Invoke-Bench.ps1 inside section 2, after the scheduled-job rows ($job, $jobCommand, $whole, $manual, $Runs in scope).
# The same scheduled job on a ReadyToRun copy of this very pwsh: the dotnet tool package of pwsh ships IL only, while
# the official packages (the Linux tarball, deb/rpm, the Microsoft container images a CI runner uses) ship ReadyToRun
# code. Compiling a copy with the Crossgen2 package the Package step already restored separates what pwsh's
# packaging costs from what the module costs. Skipped (and said) when that package is not on this machine.

function New-ReadyToRunPwsh {
    $runtimeVersion = [Environment]::Version.ToString()
    $crossgen = Join-Path ([Environment]::GetFolderPath('UserProfile')) ".nuget/packages/microsoft.netcore.app.crossgen2.linux-x64/$runtimeVersion/tools/crossgen2"
    if (-not $IsLinux -or -not (Test-Path $crossgen)) { return $null }
    $target = Join-Path $repository "out/bench/pwsh-readytorun-$($PSVersionTable.PSVersion)-$runtimeVersion"
    $marker = Join-Path $target '.complete'
    if (Test-Path $marker) { return $target }
    Remove-Item -Recurse -Force -ErrorAction Ignore $target
    $null = New-Item -ItemType Directory -Force (Split-Path $target)
    Copy-Item -Recurse $PSHOME $target
    $framework = [Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
    # pwsh's own assemblies and the copy of Newtonsoft.Json it loads, as its release build compiles them.
    $assemblies = @(Get-ChildItem $PSHOME -Filter '*.dll' | Where-Object { $_.Name -match '^(System\.Management\.Automation|Microsoft\.PowerShell\..*|pwsh|Newtonsoft\.Json)\.dll$' })
    foreach ($assembly in $assemblies) {
        $output = Join-Path $target $assembly.Name
        # A response file: pwsh would expand the reference globs itself on Unix, and crossgen2 would take them as inputs.
        $response = "$output.rsp"
        Set-Content -LiteralPath $response -Value @('-r', (Join-Path $framework '*.dll'), '-r', (Join-Path $PSHOME '*.dll'), '--targetos', 'linux', '--targetarch', 'x64', '-O', '-o', "$output.r2r", $assembly.FullName)
        $log = & $crossgen "@$response" 2>&1
        Remove-Item -LiteralPath $response
        if ($LASTEXITCODE -ne 0) { throw "crossgen2 failed on $($assembly.Name): $($log -join "`n")" }
        Move-Item -Force "$output.r2r" $output
    }
    Set-Content -LiteralPath $marker -Value ($assemblies.Name -join "`n")
    $target
}

$readyToRunPwsh = New-ReadyToRunPwsh
if ($readyToRunPwsh) {
    $savedFresh = $freshPwsh, $freshPwshArguments
    try {
        $script:freshPwsh = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
        $script:freshPwshArguments = @(Join-Path $readyToRunPwsh 'pwsh.dll')
        $null = Invoke-FreshProcess $job @('-NoProfile', '-Command', $jobCommand)   # warm-up: the OS file cache of the copy
        $null = Invoke-FreshProcess @{} @('-NoProfile', '-Command', 'exit')
        $r2rJobRuns = @(); $r2rBareRuns = @()
        foreach ($i in 1..$Runs) {
            $r2rJobRuns += Invoke-FreshProcess $job @('-NoProfile', '-Command', $jobCommand)
            $r2rBareRuns += Invoke-FreshProcess @{} @('-NoProfile', '-Command', 'exit')
        }
    }
    finally { $script:freshPwsh, $script:freshPwshArguments = $savedFresh }
    if (@($r2rJobRuns | Where-Object { $_.ExitCode -notin 0, 1 }).Count -gt 0) { throw "The scheduled job failed on the ReadyToRun pwsh: $($r2rJobRuns[0].Output -join "`n")" }
    $r2rJob = Get-Median $r2rJobRuns.Ms
    $r2rBare = Get-Median $r2rBareRuns.Ms
    $r2rRatio = $manual.Median / $r2rJob
    $r2rCold = $r2rJob - $r2rBare - $whole.Median
    $results["  the same job on a ReadyToRun copy of this pwsh (crossgen2 $([Environment]::Version), as pwsh's official packages ship; median of $Runs)"] = [pscustomobject]@{ Measured = (Format-Ms $r2rJob) + (& $cpuText $r2rJobRuns); Goal = '-'; Met = $null }
    $results['  bare `pwsh -NoProfile -Command exit` on that ReadyToRun copy'] = [pscustomobject]@{ Measured = (Format-Ms $r2rBare) + (& $cpuText $r2rBareRuns); Goal = '-'; Met = $null }
    $results['  Runbook commands / scheduled job, on the ReadyToRun pwsh'] = [pscustomobject]@{ Measured = '{0:0.00}x' -f $r2rRatio; Goal = '(>= 1.5x)'; Met = $null }
    $results['  Module''s own cold cost on the ReadyToRun pwsh: job - bare - warm triage'] = [pscustomobject]@{ Measured = Format-Ms $r2rCold; Goal = '(< 300 ms)'; Met = $null }
    $notes.Add("The ReadyToRun rows run the same job on a copy of this pwsh whose own assemblies ($((Get-Content (Join-Path $readyToRunPwsh '.complete')) -join ', ')) were compiled by crossgen2 into out/bench/, as pwsh's release packages are: they show what is pwsh's packaging and what is the module's. The goals are judged on the rows above, on the pwsh this repository pins.")
}
else {
    $notes.Add('The ReadyToRun-pwsh comparison was skipped: the Crossgen2 package for this runtime is not in the NuGet cache (build.ps1 Package restores it).')
}
