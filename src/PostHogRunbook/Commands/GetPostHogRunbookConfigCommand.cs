using System.Management.Automation;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>Shows the runbook profile in force and where each value came from; keys only as present or not.</summary>
    [Cmdlet(VerbsCommon.Get, "PostHogRunbookConfig")]
    [OutputType(typeof(RunbookConfiguration))]
    public sealed class GetPostHogRunbookConfigCommand : RunbookCmdlet
    {
        /// <summary>A JSON config file, as the shell resolves the path (relative to $PWD, ~).</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        /// <summary>Describe this kubeconfig instead of the configured one.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KubeConfig { get; set; }

        /// <summary>Resolve against this kube context instead of the configured one.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(KubeContextCompleter))]
        public string? Context { get; set; }

        /// <summary>
        /// Always shows the profile: this is the tool that diagnoses a broken one. Each problem (an invalid
        /// value, an unreadable config file or kubeconfig, a context it lacks) is a warning naming its id.
        /// </summary>
        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                // Always the profile, even a broken one: its problems are warnings, so the tool to diagnose it works.
                var report = ConfigurationReport.Build(ResolveProfile(ConfigPath, validate: false), ShownRedactor, path => IncidentJournalAccess.ResolveUserPath(this, path));
                foreach (var warning in report.Warnings)
                {
                    WriteWarning(warning);
                }

                WriteObject(report);
            });
        }
    }
}
