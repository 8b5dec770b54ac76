<#
.SYNOPSIS
    Writes the module's MAML help (PostHogRunbook.dll-Help.xml) from one small data file per cmdlet.
.DESCRIPTION
    The syntax, parameter types, positions and pipeline bindings come from the built cmdlets themselves
    (Get-Command on the staged module), so the help cannot drift from the parameter surface. The words
    (synopsis, description, each parameter, examples) come from Help/<Verb-Noun>.help.psd1.
    Fails when a cmdlet has no help file or a parameter has no description.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$module = Import-Module $ModuleManifest -PassThru -Force
$common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$writer = [System.Xml.XmlWriter]::Create($OutputPath, $settings)

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Write-Paragraphs([string[]] $Text) {
    $writer.WriteStartElement('maml', 'description', $maml)
    foreach ($paragraph in $Text) { $writer.WriteElementString('maml', 'para', $maml, $paragraph) }
    $writer.WriteEndElement()
}

function Get-ParameterFacts($Parameter, $SetName) {
    $attributes = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
    $forSet = @($attributes | Where-Object { $_.ParameterSetName -in @($SetName, '__AllParameterSets') })
    $chosen = if ($forSet) { $forSet[0] } else { $attributes[0] }
    $pipeline = @()
    if ($chosen.ValueFromPipeline) { $pipeline += 'ByValue' }
    if ($chosen.ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
    [pscustomobject]@{
        Required = $chosen.Mandatory
        Position = if ($chosen.Position -ge 0) { [string] $chosen.Position } else { 'named' }
        Pipeline = if ($pipeline) { 'True (' + ($pipeline -join ', ') + ')' } else { 'False' }
    }
}

# The type as help shows it: <String>, <SecureString>, <String[]>, like the help of pwsh's own cmdlets.
function Get-ShortTypeName([type] $Type) {
    if ($Type.IsArray) { return (Get-ShortTypeName $Type.GetElementType()) + '[]' }
    $nullable = [Nullable]::GetUnderlyingType($Type)
    if ($nullable) { return Get-ShortTypeName $nullable }
    $Type.Name
}

# The values a parameter accepts when they are few and named: an enum's names or a ValidateSet.
function Get-AllowedValues($Parameter) {
    $set = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] })
    if ($set) { return @($set[0].ValidValues) }
    $type = $Parameter.ParameterType
    if ($type.IsArray) { $type = $type.GetElementType() }
    if ($type.IsEnum) { return [enum]::GetNames($type) }
    @()
}

function Write-Parameter($Parameter, $Facts, [string] $Description, [switch] $InSyntax) {
    $isSwitch = $Parameter.ParameterType -eq [System.Management.Automation.SwitchParameter]
    $writer.WriteStartElement('command', 'parameter', $command)
    $writer.WriteAttributeString('required', $Facts.Required.ToString().ToLowerInvariant())
    $writer.WriteAttributeString('globbing', 'false')
    $writer.WriteAttributeString('pipelineInput', $Facts.Pipeline)
    $writer.WriteAttributeString('position', $Facts.Position)
    $writer.WriteElementString('maml', 'name', $maml, $Parameter.Name)
    Write-Paragraphs @($Description)
    $typeName = if ($isSwitch) { 'SwitchParameter' } else { Get-ShortTypeName $Parameter.ParameterType }
    $allowed = @(Get-AllowedValues $Parameter)
    if ($InSyntax -and $allowed) {
        # Shown as -Region {All | US | EU}.
        $writer.WriteStartElement('command', 'parameterValueGroup', $command)
        foreach ($value in $allowed) {
            $writer.WriteStartElement('command', 'parameterValue', $command)
            $writer.WriteAttributeString('required', 'false')
            $writer.WriteAttributeString('variableLength', 'false')
            $writer.WriteString($value)
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }
    elseif (-not ($InSyntax -and $isSwitch)) {
        # A switch takes no value: the syntax shows [-PassThru], not [-PassThru <SwitchParameter>].
        $writer.WriteStartElement('command', 'parameterValue', $command)
        $writer.WriteAttributeString('required', (-not $isSwitch).ToString().ToLowerInvariant())
        $writer.WriteAttributeString('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
        $writer.WriteString($typeName)
        $writer.WriteEndElement()
    }
    $writer.WriteStartElement('dev', 'type', $dev)
    $writer.WriteElementString('maml', 'name', $maml, $(if ($isSwitch) { 'System.Management.Automation.SwitchParameter' } else { $Parameter.ParameterType.FullName }))
    $writer.WriteEndElement()
    $writer.WriteEndElement()
}

# -WhatIf and -Confirm are common parameters, but the help of a cmdlet that supports them shows and explains them.
$shouldProcessHelp = @{
    WhatIf  = 'Shows what the command would change, and changes nothing.'
    Confirm = 'Asks for confirmation before each change.'
}

$writer.WriteStartDocument()
$writer.WriteStartElement('helpItems')
$writer.WriteAttributeString('schema', 'maml')
$writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
$writer.WriteAttributeString('xmlns', 'command', $null, $command)
$writer.WriteAttributeString('xmlns', 'dev', $null, $dev)

foreach ($cmdlet in (Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)) {
    $helpFile = Join-Path $PSScriptRoot "$($cmdlet.Name).help.psd1"
    if (-not (Test-Path $helpFile)) { throw "Help: $($cmdlet.Name) has no $helpFile." }
    $help = Import-PowerShellDataFile $helpFile
    $own = @($cmdlet.Parameters.Values | Where-Object { $_.Name -notin $common })
    $shouldProcess = @($cmdlet.Parameters.Values | Where-Object { $_.Name -in 'WhatIf', 'Confirm' })
    foreach ($parameter in $own) {
        if (-not $help.Parameters.ContainsKey($parameter.Name)) { throw "Help: $($cmdlet.Name) -$($parameter.Name) has no description in $helpFile." }
    }

    $writer.WriteStartElement('command', 'command', $command)
    $writer.WriteStartElement('command', 'details', $command)
    $writer.WriteElementString('command', 'name', $command, $cmdlet.Name)
    $writer.WriteElementString('command', 'verb', $command, $cmdlet.Verb)
    $writer.WriteElementString('command', 'noun', $command, $cmdlet.Noun)
    Write-Paragraphs @($help.Synopsis)
    $writer.WriteEndElement()
    Write-Paragraphs $help.Description

    $writer.WriteStartElement('command', 'syntax', $command)
    foreach ($set in $cmdlet.ParameterSets) {
        $writer.WriteStartElement('command', 'syntaxItem', $command)
        $writer.WriteElementString('maml', 'name', $maml, $cmdlet.Name)
        foreach ($parameter in @($set.Parameters | Where-Object { $_.Name -notin $common })) {
            $full = $cmdlet.Parameters[$parameter.Name]
            Write-Parameter $full (Get-ParameterFacts $full $set.Name) $help.Parameters[$parameter.Name] -InSyntax
        }
        foreach ($parameter in $shouldProcess) {
            Write-Parameter $parameter (Get-ParameterFacts $parameter $set.Name) $shouldProcessHelp[$parameter.Name] -InSyntax
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'parameters', $command)
    foreach ($parameter in ($own | Sort-Object Name)) {
        Write-Parameter $parameter (Get-ParameterFacts $parameter $cmdlet.DefaultParameterSet) $help.Parameters[$parameter.Name]
    }
    foreach ($parameter in $shouldProcess) {
        Write-Parameter $parameter (Get-ParameterFacts $parameter $cmdlet.DefaultParameterSet) $shouldProcessHelp[$parameter.Name]
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'returnValues', $command)
    foreach ($output in $help.Outputs.GetEnumerator()) {
        $writer.WriteStartElement('command', 'returnValue', $command)
        $writer.WriteStartElement('dev', 'type', $dev)
        $writer.WriteElementString('maml', 'name', $maml, $output.Key)
        $writer.WriteEndElement()
        Write-Paragraphs @($output.Value)
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'examples', $command)
    $number = 0
    foreach ($example in $help.Examples) {
        $number++
        $writer.WriteStartElement('command', 'example', $command)
        $writer.WriteElementString('maml', 'title', $maml, "-------------------------- Example $($number): $($example.Title) --------------------------")
        $writer.WriteElementString('dev', 'code', $dev, $example.Code)
        $writer.WriteStartElement('dev', 'remarks', $dev)
        $writer.WriteElementString('maml', 'para', $maml, $example.Remarks)
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'relatedLinks', $command)
    foreach ($link in @($help.Links)) {
        $writer.WriteStartElement('maml', 'navigationLink', $maml)
        $writer.WriteElementString('maml', 'linkText', $maml, $link)
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndElement()
}

$writer.WriteEndElement()
$writer.WriteEndDocument()
$writer.Dispose()
