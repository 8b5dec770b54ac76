<#
.SYNOPSIS
    Where a fresh process's first triage spends its time: run in a brand-new pwsh by Invoke-Bench.ps1, it marks
    each step of the cold path with a Stopwatch and the JIT's own counters, and prints one JSON line.
.DESCRIPTION
    Steps, in the order a triage meets them: the module auto-loads; the engine reads the kubeconfig; builds the
    KubernetesClient; sends its first request (TLS handshake included) and a second one; the HTTP layer's first GET
    and the status page parsed; the redactor's first use; then whole triages (the first, the second, the tenth).
    The engine's internals are reached through reflection on the module's own load context: nothing here is
    part of the module. Each step's time includes what it JIT-compiles ("jit" counts methods, "jitMs" their
    compile time on any thread).
#>
param(
    [Parameter(Mandatory)] [string] $KubeConfig,
    [Parameter(Mandatory)] [string] $StatusPageUrl,
    # The triage's parameters, as JSON (splatted into Invoke-PostHogTriage).
    [Parameter(Mandatory)] [string] $TriageJson,
    [int] $Triages = 10,
    # Only the triages: the first one then meets the whole cold path itself (no step above has warmed it).
    [switch] $TriagesOnly,
    # Instead of the triages, the first triage's floor: the bench's floor module reading the cluster the leanest way
    # (bench/ColdPathFloor, Invoke-PostHogClusterFloor), called as often, timed the same way.
    [switch] $ClusterFloor
)
$ErrorActionPreference = 'Stop'
$clock = [Diagnostics.Stopwatch]::StartNew()
$marks = [Collections.Generic.List[object]]::new()
$last = @{ Ms = 0.0; Jit = [Runtime.JitInfo]::GetCompiledMethodCount($false); JitMs = [Runtime.JitInfo]::GetCompilationTime($false).TotalMilliseconds }
function Add-Mark([string] $Step) {
    $now = @{ Ms = $clock.Elapsed.TotalMilliseconds; Jit = [Runtime.JitInfo]::GetCompiledMethodCount($false); JitMs = [Runtime.JitInfo]::GetCompilationTime($false).TotalMilliseconds }
    $marks.Add([ordered]@{ step = $Step; ms = [math]::Round($now.Ms - $last.Ms, 1); jit = $now.Jit - $last.Jit; jitMs = [math]::Round($now.JitMs - $last.JitMs, 1) })
    $script:last = $now
}
$none = [Threading.CancellationToken]::None

if ($ClusterFloor) {
    $null = Get-Command Invoke-PostHogClusterFloor
    $durations = foreach ($i in 1..$Triages) {
        $one = [Diagnostics.Stopwatch]::StartNew()
        $null = Invoke-PostHogClusterFloor -KubeConfig $KubeConfig
        $one.Elapsed.TotalMilliseconds
    }
    [ordered]@{ triages = @($durations | ForEach-Object { [math]::Round($_, 1) }) } | ConvertTo-Json -Compress
    return
}

# Auto-loading, as a scheduled job meets it: the module is found on PSModulePath by its command's name.
$null = Get-Command Invoke-PostHogTriage
$alc = [Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'PostHogRunbook'
$engine = $alc.LoadFromAssemblyName([Reflection.AssemblyName] 'PostHogRunbook.Engine')
Add-Mark 'Module auto-loaded, engine assembly loaded'

if (-not $TriagesOnly) {
$flags = [Reflection.BindingFlags] 'Public, NonPublic, Static'
$null = $engine.GetType('PostHogRunbook.Engine.Kubernetes.KubeConfigReader').GetMethod('Open', $flags).Invoke($null, @($KubeConfig, $null))
Add-Mark 'kubeconfig read, merged and checked (KubeConfigReader.Open)'

$gatewayType = $engine.GetType('PostHogRunbook.Engine.Kubernetes.KubernetesGateway')
$gateway = $gatewayType.GetMethod('Open', $flags).Invoke($null, @($KubeConfig, $null, $null))
Add-Mark 'KubernetesClient created (KubernetesGateway.Open, the kubeconfig read again)'

$null = $gateway.GetDeploymentAsync('posthog-integration', $none).GetAwaiter().GetResult()
Add-Mark 'first Kubernetes request (TLS handshake, GET deployment)'
$null = $gateway.ListPodsAsync('app=posthog-integration', $none).GetAwaiter().GetResult()
Add-Mark 'second Kubernetes request (list pods)'
$gateway.Dispose()

$servicesType = $engine.GetType('PostHogRunbook.Engine.Services.RunbookServices')
$services = $servicesType.GetMethod('Create').Invoke($null, @($servicesType.GetMethod('CreateHttpClient').Invoke($null, @()), $null))
$statusClient = [Activator]::CreateInstance($engine.GetType('PostHogRunbook.Engine.Status.StatusPageClient'), @($services))
$null = $statusClient.GetStatusAsync([uri] $StatusPageUrl, [PostHogRunbook.Model.PostHogRegion]::US, [TimeSpan]::FromSeconds(10), $none).GetAwaiter().GetResult()
Add-Mark 'first HTTP GET and status page parsed (RunbookHttp, Newtonsoft)'

$redactor = [Activator]::CreateInstance($engine.GetType('PostHogRunbook.Engine.Redaction.Redactor'))
$null = $redactor.Redact('Authorization: Bearer abcdefgh12345678 phc_abcdefghijkl token: x')
Add-Mark 'redactor first use'
}

$triage = ConvertFrom-Json $TriageJson -AsHashtable
$durations = foreach ($i in 1..$Triages) {
    $one = [Diagnostics.Stopwatch]::StartNew()
    $null = Invoke-PostHogTriage @triage
    $one.Elapsed.TotalMilliseconds
    if ($i -le 2) { Add-Mark "triage $i" } elseif ($i -eq $Triages) { Add-Mark "triages 3-$Triages" }
}
[ordered]@{ marks = $marks; triages = @($durations | ForEach-Object { [math]::Round($_, 1) }) } | ConvertTo-Json -Compress -Depth 4
