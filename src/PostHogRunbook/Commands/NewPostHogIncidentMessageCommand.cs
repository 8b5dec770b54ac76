using System;
using System.Collections.Generic;
using System.Management.Automation;
using PostHogRunbook.Engine.Comms;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>
    /// Fills the runbook's Internal (Slack) or External (status page) update template from an incident. Sends and
    /// writes nothing; it takes -WhatIf as every New- cmdlet of the module does (and then outputs nothing).
    /// </summary>
    [Cmdlet(VerbsCommon.New, "PostHogIncidentMessage", DefaultParameterSetName = FromPipeline, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.None)]
    [OutputType(typeof(IncidentMessage))]
    public sealed class NewPostHogIncidentMessageCommand : RunbookCmdlet
    {
        const string FromPipeline = "InputObject";
        const string ById = "IncidentId";

        /// <summary>An incident (Get-PostHogIncident, Resolve-PostHogIncident's journal) to write about.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FromPipeline)]
        [ValidateNotNull]
        public PostHogIncident? InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ById)]
        [ValidateNotNullOrEmpty]
        public string? IncidentId { get; set; }

        [Parameter]
        public IncidentAudience Audience { get; set; } = IncidentAudience.Internal;

        /// <summary>When the next update is promised; default 30 minutes from now for a P1 or P2, an hour otherwise.</summary>
        [Parameter]
        public DateTime NextUpdate { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>Where the journal lives: File (the JournalPath folder) or Kubernetes (ConfigMaps in the profile's namespace).</summary>
        [Parameter]
        public JournalStore JournalStore { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        IIncidentJournal? journal;

        protected override void BeginProcessing()
        {
            Guard(() =>
            {
                if (ParameterSetName == ById)
                {
                    journal = IncidentJournalAccess.Open(this, ResolveProfile(ConfigPath, parameters: JournalParameters()));
                }
            });
        }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                try
                {
                    var incident = InputObject ?? Await(token => journal!.GetAsync(IncidentId!, token));
                    DateTimeOffset? next = MyInvocation.BoundParameters.ContainsKey(nameof(NextUpdate)) ? new DateTimeOffset(NextUpdate.ToUniversalTime(), TimeSpan.Zero) : null;
                    if (ShouldProcess($"incident {incident.Id}", $"Fill the {Audience} message"))
                    {
                        WriteObject(IncidentMessages.Build(incident, Audience, next, Services.Time.GetUtcNow(), Services.Redactor));
                    }
                }
                catch (RunbookException ex) when (ex.ErrorId == "IncidentNotFound")
                {
                    WriteFailure(ex);
                }
            });
        }

        Dictionary<string, string?> JournalParameters()
        {
            var bound = BoundProfileParameters();
            bound.Remove(nameof(IncidentId));
            return bound;
        }
    }
}
