using System.Collections.Generic;
using System.Management.Automation;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>
    /// Moves file incidents into the cluster journal: every line as it is (times, actors, redactions), so the
    /// team continues them there. Idempotent: an incident already there whole writes nothing.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "PostHogIncident", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(PostHogIncident))]
    public sealed class CopyPostHogIncidentCommand : RunbookCmdlet
    {
        /// <summary>The file incidents to copy; each unknown id is IncidentNotFound.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Id { get; set; }

        /// <summary>The store to copy into: Kubernetes (the file journal is the source).</summary>
        [Parameter]
        [ValidateSet(nameof(Model.JournalStore.Kubernetes))]
        public JournalStore To { get; set; } = JournalStore.Kubernetes;

        /// <summary>The file journal's folder to copy from.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KubeConfig { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(KubeContextCompleter))]
        public string? Context { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Namespace { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        FileIncidentJournal? source;
        KubernetesIncidentJournal? destination;

        protected override void BeginProcessing()
        {
            Guard(() =>
            {
                var bound = BoundProfileParameters();
                bound.Remove(nameof(Id));
                var profile = ResolveProfile(ConfigPath, parameters: bound);
                source = IncidentJournals.OpenFile(profile, Services, path => IncidentJournalAccess.ResolveUserPath(this, path));
                destination = IncidentJournals.OpenKubernetes(profile, Services);
                WriteVerbose($"Copying incidents from {source.Location} to {destination.Location}.");
            });
        }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                foreach (var id in Id!)
                {
                    try
                    {
                        Copy(id);
                    }
                    catch (RunbookException ex)
                    {
                        WriteFailure(ex);
                    }
                }
            });
        }

        void Copy(string id)
        {
            var incident = Await(token => source!.GetAsync(id, token));
            IReadOnlyList<string> lines = source!.ReadLines(incident.Id);
            if (!ShouldProcess($"incident {incident.Id} ({incident.Target})", $"Copy its {lines.Count} journal entries from {source.Location} to {destination!.Location}"))
            {
                return;
            }

            var result = Await(token => destination.ImportAsync(incident, lines, token));
            WriteVerbose(result.Copied
                ? $"{incident.Id}: {result.LinesWritten} of {lines.Count} entries written to {destination.Location}."
                : $"{incident.Id} is already in {destination.Location} with every entry: nothing written.");
            IncidentJournalAccess.ReportRetries(this, destination);
            WriteObject(IncidentJournalAccess.Detailed(result.Incident));
        }
    }
}
