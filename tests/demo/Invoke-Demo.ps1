<#
.SYNOPSIS
    The runbook against the lab: starts the simulated PostHog world, runs the pipeline, stops the world.
    Run by `./build.ps1 Demo` in a fresh pwsh, against the packaged module.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [string] $Scenario = 'us-outage'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
Import-Module (Join-Path $PSScriptRoot '../pester/LabHarness.psm1')

function Show-Step([string] $Title, [string] $Command) {
    Write-Host ''
    Write-Host "### $Title" -ForegroundColor Cyan
    Write-Host "PS> $Command" -ForegroundColor Yellow
}

$lab = $null
try {
    $lab = Start-PostHogLab -Scenario $Scenario
    Write-Host "Lab scenario '$Scenario' is up: status page $($lab.statusPage), PostHog $($lab.posthog), app $($lab.app)"
    # The lab's endpoints stand in for the real ones: the profile points the module at them.
    Set-PostHogRunbookConfig -StatusPageUrl $lab.statusPage -PostHogHost 'https://us.i.posthog.com'

    Show-Step 'What PostHog says about US Cloud' 'Get-PostHogStatus -Region US'
    Get-PostHogStatus -Region US | Out-Host

    Show-Step 'What PostHog says about EU Cloud' 'Get-PostHogStatus -Region EU'
    Get-PostHogStatus -Region EU | Out-Host

    Show-Step 'The same page, older generation (Statuspage v2), every region' "Get-PostHogStatus -StatusPageUrl $($lab.statusPageV2) -Region All | Format-Table"
    Get-PostHogStatus -StatusPageUrl $lab.statusPageV2 -Region All | Format-Table | Out-Host
}
finally {
    Stop-PostHogLab $lab
}
