@{
    RootModule        = 'PostHogRunbookFloor.dll'
    ModuleVersion     = '0.1.0'
    GUID              = '6b0c4d52-8f0e-4a8e-9a57-2f1f6c2a1e10'
    Description       = 'Bench only: the scheduled job''s floor (a cmdlet of the triage''s shape that does no work).'
    PowerShellVersion = '7.4'
    CmdletsToExport   = @('Invoke-PostHogTriageFloor', 'Invoke-PostHogClusterFloor')
    FunctionsToExport = @()
    AliasesToExport   = @()
    VariablesToExport = @()
}
