using System;
using System.Collections.Generic;
using System.Linq;
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
        [ArgumentCompleter(typeof(KubeContextCompleter))]
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

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNull]
        public SecureString? SlackWebhookUrl { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNull]
        public SecureString? PagerDutyRoutingKey { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNull]
        public SecureString? StatusPageApiKey { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNull]
        public Uri? PagerDutyEventsUrl { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNull]
        public Uri? StatusPageApiUrl { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNullOrEmpty]
        public string? StatusPagePageId { get; set; }

        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNullOrEmpty]
        public string? StatusPageComponentId { get; set; }

        /// <summary>The incident journal's folder; resolved now, so a later Set-Location does not move it.</summary>
        [Parameter(ParameterSetName = SetValues)]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>Where the journal lives: File (the JournalPath folder) or Kubernetes (ConfigMaps in the profile's namespace).</summary>
        [Parameter(ParameterSetName = SetValues)]
        public JournalStore JournalStore { get; set; }

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
                    // All or nothing: every value is checked (the rules every source obeys, paths as the shell
                    // means them) and the kube context looked up before anything is stored.
                    var values = Checked();
                    foreach (var (name, secret) in BoundSecrets())
                    {
                        if (ShouldProcess($"runbook profile (session): {name}", "Set to (a key, not shown)"))
                        {
                            SessionSettings.SetSecret(name, secret);
                        }
                    }

                    foreach (var (setting, value) in values)
                    {
                        var shown = setting.IsSecret ? "(a key, not shown)" : ShownRedactor.Redact(value);
                        if (ShouldProcess($"runbook profile (session): {setting.Name}", $"Set to {shown}"))
                        {
                            SessionSettings.Set(setting.Name, value);
                        }
                    }
                }

                if (PassThru.IsPresent)
                {
                    var report = ConfigurationReport.Build(ResolveProfile(null, parameters: new Dictionary<string, string?>(), validate: false), ShownRedactor, path => IncidentJournalAccess.ResolveUserPath(this, path));
                    foreach (var warning in report.Warnings)
                    {
                        WriteWarning(warning);
                    }

                    WriteObject(report);
                }
            });
        }

        /// <summary>The values to store, in their normal form; InvalidSetting, or the kubeconfig's own error, for the first that cannot be.</summary>
        List<(RunbookSetting Setting, string Value)> Checked()
        {
            var environment = ShellEnvironment;
            var values = new List<(RunbookSetting Setting, string Value)>();
            foreach (var entry in BoundProfileParameters())
            {
                if (RunbookSetting.Find(entry.Key) is { } setting && entry.Value != null)
                {
                    var given = setting == RunbookSetting.JournalPath ? IncidentJournalAccess.ResolveUserPath(this, entry.Value) : entry.Value;
                    values.Add((setting, SettingValidation.Normalize(setting, given, SettingOrigin.Parameter(setting.Name), environment)));
                }
            }

            if (values.Exists(v => v.Setting == RunbookSetting.Context || v.Setting == RunbookSetting.KubeConfig))
            {
                CheckKubeContext(values, environment);
            }

            return values;
        }

        /// <summary>
        /// The profile as it would be once stored must name a context its kubeconfig has (kubectl config
        /// use-context refuses one too); a new kubeconfig must at least be readable.
        /// </summary>
        static void CheckKubeContext(List<(RunbookSetting Setting, string Value)> values, RunbookEnvironment environment)
        {
            var prospective = RunbookProfile.Resolve(values.ToDictionary(v => v.Setting.Name, v => (string?)v.Value, StringComparer.OrdinalIgnoreCase), null, environment, SessionSettings.Snapshot());
            var kubeConfig = prospective.Get(RunbookSetting.KubeConfig);
            var context = prospective.Get(RunbookSetting.Context);
            if (kubeConfig == null)
            {
                throw new RunbookException(
                    "KubeConfigNotFound",
                    RunbookErrorKind.ObjectNotFound,
                    $"No kubeconfig has the context '{context}': none is configured and ~/.kube/config does not exist. Pass -KubeConfig as well, or set KUBECONFIG.",
                    context);
            }

            if (context == null)
            {
                Engine.Kubernetes.KubeConfigReader.Contexts(kubeConfig);
                return;
            }

            Engine.Kubernetes.KubeConfigReader.Describe(kubeConfig, context);
        }
    }
}
