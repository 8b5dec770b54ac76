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
        public string? Context { get; set; }

        protected override void ProcessRecord()
        {
            Guard(() => WriteObject(ConfigurationReport.Build(ResolveProfile(ConfigPath), path => IncidentJournalAccess.ResolveUserPath(this, path))));
        }
    }
}
