using System.Management.Automation;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>
    /// Declares an incident in the journal: from a triage report, or by hand for the profile's target (a customer
    /// report before triage sees anything, an escalation). Changes nothing in the cluster.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "PostHogIncident", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ByHand)]
    [OutputType(typeof(PostHogIncident))]
    public sealed class NewPostHogIncidentCommand : RunbookCmdlet
    {
        const string ByHand = "Target";
        const string FromReport = "Report";

        /// <summary>A triage report (Invoke-PostHogTriage's output): its target, verdict and evidence open the incident.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FromReport)]
        [ValidateNotNull]
        public TriageReport? InputObject { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ByHand)]
        public IncidentSeverity Severity { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByHand)]
        [ValidateNotNullOrEmpty]
        public string? Summary { get; set; }

        [Parameter(ParameterSetName = ByHand)]
        public TriageCategory Category { get; set; } = TriageCategory.Unknown;

        [Parameter(ParameterSetName = ByHand)]
        [ValidateNotNullOrEmpty]
        public string? KubeConfig { get; set; }

        [Parameter(ParameterSetName = ByHand)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(KubeContextCompleter))]
        public string? Context { get; set; }

        [Parameter(ParameterSetName = ByHand)]
        [ValidateNotNullOrEmpty]
        public string? Namespace { get; set; }

        [Parameter(ParameterSetName = ByHand)]
        [ValidateNotNullOrEmpty]
        public string? Deployment { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Commander { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Impact { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>Where the journal lives: File (the JournalPath folder) or Kubernetes (ConfigMaps in the profile's namespace).</summary>
        [Parameter]
        public JournalStore JournalStore { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        RunbookProfile? profile;
        IIncidentJournal? journal;

        protected override void BeginProcessing()
        {
            Guard(() =>
            {
                var bound = BoundProfileParameters();
                foreach (var name in new[] { nameof(InputObject), nameof(Severity), nameof(Summary), nameof(Category), nameof(Commander), nameof(Impact) })
                {
                    bound.Remove(name);
                }

                profile = ResolveProfile(ConfigPath, parameters: bound);
                journal = IncidentJournalAccess.Open(this, profile);
                WriteVerbose($"Writing to the incident journal at {journal.Location}.");
            });
        }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                IncidentOpening opening;
                if (InputObject != null)
                {
                    if (InputObject.Severity == IncidentSeverity.None)
                    {
                        WriteWarning($"{InputObject.Target} is {InputObject.Category}: there is nothing to open an incident for.");
                        return;
                    }

                    opening = IncidentOpening.FromReport(InputObject);
                }
                else
                {
                    opening = new IncidentOpening(IncidentTargets.FromProfile(profile!), Severity, Category, Summary!);
                }

                opening = opening with { Commander = Commander, Impact = Impact };
                if (!ShouldProcess($"incident journal {journal!.Location}", $"Open a {opening.Severity} {opening.Category} incident for {opening.Target}"))
                {
                    return;
                }

                try
                {
                    WriteObject(IncidentJournalAccess.Detailed(Await(token => journal.OpenAsync(opening, token))));
                }
                catch (RunbookException ex) when (ex.ErrorId == "IncidentAlreadyOpen")
                {
                    WriteFailure(ex);
                }
            });
        }
    }
}
