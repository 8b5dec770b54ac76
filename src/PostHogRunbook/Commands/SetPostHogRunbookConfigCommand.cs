using System;
using System.Management.Automation;
using System.Security;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>Sets runbook profile values for this session; they win over the config file, environment and defaults.</summary>
    [Cmdlet(VerbsCommon.Set, "PostHogRunbookConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = SetValues)]
    [OutputType(typeof(RunbookConfiguration))]
    public sealed class SetPostHogRunbookConfigCommand : RunbookCmdlet
    {
        const string SetValues = "Set";
        const string ClearValues = "Clear";

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNullOrEmpty]
        public string? PostHogHost { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        public PostHogRegion Region { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNull]
        public SecureString? ProjectApiKey { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNull]
        public SecureString? PersonalApiKey { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNull]
        public Uri? StatusPageUrl { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNull]
        public Uri? HealthUrl { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNull]
        public Uri? PrometheusUrl { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNullOrEmpty]
        public string? KubeConfig { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNullOrEmpty]
        public string? Context { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNullOrEmpty]
        public string? Namespace { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNullOrEmpty]
        public string? Deployment { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNullOrEmpty]
        public string? Selector { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNullOrEmpty]
        public string? SecretName { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNullOrEmpty]
        public string? SecretKey { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; }

        /// <summary>The incident journal's folder; resolved now, so a later Set-Location does not move it.</summary>
        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>Forget every session value.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ClearValues)]
        public SwitchParameter Clear { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                if (Clear.IsPresent)
                {
                    if (ShouldProcess("runbook profile (session)", "Clear every session value"))
                    {
                        SessionSettings.Clear();
                    }
                }
                else
                {
                    foreach (var entry in BoundProfileParameters())
                    {
                        if (RunbookSetting.Find(entry.Key) is not { } setting)
                        {
                            continue;
                        }

                        var value = setting == RunbookSetting.JournalPath && entry.Value != null ? IncidentJournalAccess.ResolveUserPath(this, entry.Value) : entry.Value;
                        var shown = setting.IsSecret ? "(a key, not shown)" : value;
                        if (ShouldProcess($"runbook profile (session): {setting.Name}", $"Set to {shown}"))
                        {
                            SessionSettings.Set(setting.Name, value);
                        }
                    }
                }

                if (PassThru.IsPresent)
                {
                    WriteObject(ConfigurationReport.Build(ResolveProfile(null, parameters: new System.Collections.Generic.Dictionary<string, string?>()), path => IncidentJournalAccess.ResolveUserPath(this, path)));
                }
            });
        }
    }
}
