# Dot-sourced by bench/ReadyToRunPwsh.Bench.ps1: makes a ReadyToRun copy of this pwsh. (Running Pester on it was
# measured and dropped: 25 s less Pester for 22 s of compiling, and the tests would leave the pinned pwsh.)
#
# The dotnet tool package of pwsh (the one dotnet-tools.json pins) ships IL only, so every fresh pwsh JIT-compiles
# what it runs: about a second of CPU before it does anything. The official packages (the Linux tarball, deb/rpm,
# the container images a CI runner uses) ship the same assemblies compiled ahead of time. This compiles a copy of
# the running pwsh's own assemblies (and the Newtonsoft.Json it loads) with the Crossgen2 package the Package step
# restores, as those packages are built: the same code, started without the JIT on its path.

function New-ReadyToRunPwsh {
    <#
    .OUTPUTS
        The copy's folder (pwsh.dll in it), reused when already complete; $null when this is not Linux or the
        Crossgen2 package for this runtime is not in the NuGet cache.
    #>
    param(
        # Where the copies live; each pwsh and runtime version gets a folder of its own.
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [string] $NuGetPackageRoot
    )
    $runtimeVersion = [Environment]::Version.ToString()
    $crossgen = Join-Path $NuGetPackageRoot "microsoft.netcore.app.crossgen2.linux-x64/$runtimeVersion/tools/crossgen2"
    if (-not $IsLinux -or -not (Test-Path $crossgen)) { return $null }
    $target = Join-Path $Root "pwsh-readytorun-$($PSVersionTable.PSVersion)-$runtimeVersion"
    $marker = Join-Path $target '.complete'
    if (Test-Path $marker) { return $target }
    Remove-Item -Recurse -Force -ErrorAction Ignore $target
    $null = New-Item -ItemType Directory -Force $Root
    Copy-Item -Recurse $PSHOME $target
    $framework = [Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
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
