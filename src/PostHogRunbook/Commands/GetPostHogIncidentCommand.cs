using System.Linq;
using System.Management.Automation;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>Reads incidents back from the journal: all of them newest first, some by status, or one by id.</summary>
    [Cmdlet(VerbsCommon.Get, "PostHogIncident")]
    [OutputType(typeof(PostHogIncident))]
    public sealed class GetPostHogIncidentCommand : RunbookCmdlet
    {
        /// <summary>Only these incidents; each unknown id is the error IncidentNotFound.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Id { get; set; }

        /// <summary>Only incidents in one of these states.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public IncidentStatus[]? Status { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>Where the journal lives: File (the JournalPath folder) or Kubernetes (ConfigMaps in the profile's namespace).</summary>
        [Parameter]
        public JournalStore JournalStore { get; set; }

        /// <summary>With JournalStore Kubernetes: the kubeconfig of the cluster that keeps the journal.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KubeConfig { get; set; }

        /// <summary>With JournalStore Kubernetes: the kube context of that cluster.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(KubeContextCompleter))]
        public string? Context { get; set; }

        /// <summary>With JournalStore Kubernetes: the integration's namespace, where the incidents' ConfigMaps are.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Namespace { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                var journal = IncidentJournalAccess.Open(this, ResolveProfile(ConfigPath, parameters: BoundJournalParameters()));
                WriteVerbose($"Reading the incident journal at {journal.Location}.");
                if (Id == null)
                {
                    foreach (var incident in Await(token => journal.ListAsync(Status, token)))
                    {
                        WriteObject(incident);
                    }

                    return;
                }

                foreach (var id in Id)
                {
                    try
                    {
                        var incident = Await(token => journal.GetAsync(id, token));
                        if (Status == null || Status.Contains(incident.Status))
                        {
                            WriteObject(IncidentJournalAccess.Detailed(incident));
                        }
                    }
                    catch (RunbookException ex)
                    {
                        WriteFailure(ex);
                    }
                }
            });
        }

        System.Collections.Generic.Dictionary<string, string?> BoundJournalParameters()
        {
            var bound = BoundProfileParameters();
            bound.Remove(nameof(Id));
            bound.Remove(nameof(Status));
            return bound;
        }
    }
}
