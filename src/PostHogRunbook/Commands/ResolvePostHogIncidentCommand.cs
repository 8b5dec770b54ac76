using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Remediation;
using PostHogRunbook.Engine.Triage;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>
    /// The runbook after the verdict: for each piped TriageReport, opens the target's incident (or continues its open
    /// one), applies the report's RecommendedAction through the primitives, verifies it, and journals every step.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Resolve, "PostHogIncident", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(PostHogIncident))]
    public sealed class ResolvePostHogIncidentCommand : RemediationCmdlet
    {
        /// <summary>The new project key, for a RotateApiKey verdict.</summary>
        [Parameter]
        [ValidateNotNull]
        public SecureString? NewApiKey { get; set; }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                if (TargetBinding.Unwrap(InputObject) is not TriageReport report)
                {
                    WriteFailure(new RunbookException("TriageReportRequired", RunbookErrorKind.InvalidArgument,
                        $"Resolve-PostHogIncident takes TriageReports (Invoke-PostHogTriage | Resolve-PostHogIncident), not {TargetBinding.Unwrap(InputObject)?.GetType().Name ?? "nothing"}.", InputObject));
                    return;
                }

                // The deployment's lock, once taken, is held for every step that follows, the journal's included.
                WhileLocking(() => Resolve(report));
            });
        }

        void Resolve(TriageReport report)
        {
            var profile = ResolveProfile(ConfigPath, report.Target);
            var journal = IncidentJournalAccess.Open(this, profile);
            var action = report.RecommendedAction;
            var open = IncidentId != null ? Await(token => journal.GetAsync(IncidentId, token)) : Await(token => journal.FindOpenAsync(report.Target, token));
            if (open == null && report.Severity == IncidentSeverity.None)
            {
                WriteVerbose($"{report.Target} is {report.Category} and has no open incident: nothing to resolve.");
                return;
            }

            var journalStep = open == null ? $"Open an incident for {report.Target} ({report.Severity} {report.Category}) and record the triage" : $"Record the triage in incident {open.Id}";
            if (!IncidentRemediation.ChangesProduction(action))
            {
                if (!ShouldProcess(report.Target.ToString(), $"{journalStep}; {action}: no change to production"))
                {
                    return;
                }

                var incident = Record(journal, report, open);
                var records = new List<IncidentRecord>();
                if (action == RemediationAction.Escalate)
                {
                    records.Add(IncidentRecord.Note($"Escalated: the verdict ({report.Category}) has no automatic remediation. {report.Summary}"));
                }

                var status = IncidentRemediation.StatusAfter(action, null, incident.Status);
                if (status != incident.Status)
                {
                    records.Add(IncidentRecord.StatusChange(status, $"{action}: {report.Summary}"));
                }

                WriteIncident(records.Count > 0 ? Await(token => journal.AppendAsync(incident.Id, records, token)) : incident);
                return;
            }

            var attempt = Remediate(profile, (remediator, token) => IncidentRemediation.PlanAsync(remediator, action, NewApiKey, token), journalStep);
            if (attempt.Declined)
            {
                return;
            }

            if (attempt.LockRefused)
            {
                // Another writer is at it: their incident (if open by now) hears of this try; nothing is opened for it.
                var theirs = open ?? Await(token => journal.FindOpenAsync(report.Target, token));
                if (theirs != null)
                {
                    Await(token => journal.AppendAsync(theirs.Id, IncidentRemediation.FailureOf(action, attempt.Plan, attempt.Error!), token));
                }

                WriteFailure(attempt.Error!);
                return;
            }

            // Under the lock now: an incident another writer opened since the first look is continued, not doubled.
            if (open == null && IncidentId == null)
            {
                open = Await(token => journal.FindOpenAsync(report.Target, token));
            }

            var opened = Record(journal, report, open);
            var after = new List<IncidentRecord>(attempt.LockRecords);
            if (attempt.Change != null)
            {
                after.Add(IncidentRemediation.RecordOf(attempt.Change));
                if (attempt.Change.VerificationDetail != null && attempt.Change.Outcome == RemediationOutcome.Applied)
                {
                    after.Add(IncidentRecord.Entry(IncidentEntryKind.Verification, $"{attempt.Change.Verification}: {attempt.Change.VerificationDetail}"));
                }
            }

            if (attempt.Error != null)
            {
                after.Add(IncidentRemediation.FailureOf(action, attempt.Plan, attempt.Error));
            }

            var newStatus = attempt.Error != null ? IncidentStatus.Investigating : IncidentRemediation.StatusAfter(action, attempt.Change, opened.Status);
            if (newStatus != opened.Status)
            {
                after.Add(IncidentRecord.StatusChange(newStatus, attempt.Change?.Message ?? attempt.Error?.ErrorId));
            }

            var final = Await(token => journal.AppendAsync(opened.Id, after, token));
            if (attempt.Change != null)
            {
                WriteVerbose($"{attempt.Change.Action} {attempt.Change.Outcome}: {attempt.Change.Message}");
            }

            WriteIncident(final);
            if (attempt.Error != null)
            {
                WriteFailure(attempt.Error);
            }
        }

        /// <summary>The incident with this triage recorded: the open one continued, or a new one opened from it.</summary>
        PostHogIncident Record(IIncidentJournal journal, TriageReport report, PostHogIncident? open)
        {
            if (open != null)
            {
                return Await(token => journal.AppendAsync(open.Id, IncidentRecord.Triage(report), token));
            }

            return Await(token => journal.OpenOrContinueAsync(report, token)).Incident;
        }

        void WriteIncident(PostHogIncident incident) => WriteObject(IncidentJournalAccess.Detailed(incident));
    }
}
