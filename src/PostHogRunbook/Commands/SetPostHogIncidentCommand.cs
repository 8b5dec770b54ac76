using System.Collections.Generic;
using System.Management.Automation;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>Changes an incident's status, commander or impact, or adds a note: each change a new journal entry.</summary>
    [Cmdlet(VerbsCommon.Set, "PostHogIncident", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(PostHogIncident))]
    public sealed class SetPostHogIncidentCommand : RunbookCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Id { get; set; }

        [Parameter]
        public IncidentStatus Status { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Commander { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Impact { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Note { get; set; }

        /// <summary>Output the incident as it is after the change.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

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

        IIncidentJournal? journal;

        protected override void BeginProcessing()
        {
            Guard(() =>
            {
                if (!MyInvocation.BoundParameters.ContainsKey(nameof(Status)) && Commander == null && Impact == null && Note == null)
                {
                    Fail(new RunbookException("IncidentChangeMissing", RunbookErrorKind.InvalidArgument, "Set-PostHogIncident needs something to change: -Status, -Commander, -Impact or -Note.", "Set-PostHogIncident"));
                }

                var bound = BoundProfileParameters();
                foreach (var name in new[] { nameof(Id), nameof(Status), nameof(Commander), nameof(Impact), nameof(Note), nameof(PassThru) })
                {
                    bound.Remove(name);
                }

                journal = IncidentJournalAccess.Open(this, ResolveProfile(ConfigPath, parameters: bound));
                WriteVerbose($"Writing to the incident journal at {journal.Location}.");
            });
        }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                try
                {
                    Change(journal!, Id!);
                }
                catch (RunbookException ex)
                {
                    WriteFailure(ex);
                }
            });
        }

        void Change(IIncidentJournal target, string id)
        {
            var incident = Await(token => target.GetAsync(id, token));
            var records = new List<IncidentRecord>();
            var described = new List<string>();

            // A change to what the incident already is writes nothing: scripts can repeat themselves.
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Status)))
            {
                if (incident.Status == Status)
                {
                    WriteVerbose($"{incident.Id} is already {Status}.");
                }
                else
                {
                    records.Add(IncidentRecord.StatusChange(Status));
                    described.Add($"status {incident.Status} -> {Status}");
                }
            }

            if (Commander != null)
            {
                if (string.Equals(incident.Commander, Commander, System.StringComparison.Ordinal))
                {
                    WriteVerbose($"{incident.Id}'s commander is already {Commander}.");
                }
                else
                {
                    records.Add(IncidentRecord.CommanderChange(Commander));
                    described.Add($"commander {Commander}");
                }
            }

            if (Impact != null)
            {
                if (string.Equals(incident.Impact, Impact, System.StringComparison.Ordinal))
                {
                    WriteVerbose($"{incident.Id}'s impact already reads so.");
                }
                else
                {
                    records.Add(IncidentRecord.ImpactChange(Impact));
                    described.Add("impact");
                }
            }

            if (Note != null)
            {
                records.Add(IncidentRecord.Note(Note));
                described.Add("a note");
            }

            if (records.Count > 0 && ShouldProcess($"incident {incident.Id} ({incident.Target})", $"Journal {string.Join(", ", described)}"))
            {
                incident = Await(token => target.AppendAsync(incident.Id, records, token));
                IncidentJournalAccess.ReportRetries(this, target);
            }

            if (PassThru.IsPresent)
            {
                WriteObject(IncidentJournalAccess.Detailed(incident));
            }
        }
    }
}
