using System.Collections.Generic;
using System.Management.Automation;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Remediation;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>Takes an incident's applied changes back, newest first: each env to its recorded previous value, the key from its backup Secret.</summary>
    [Cmdlet(VerbsCommon.Undo, "PostHogRemediation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RemediationResult))]
    public sealed class UndoPostHogRemediationCommand : RemediationCmdlet
    {
        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                var id = IncidentId ?? (TargetBinding.Unwrap(InputObject) as PostHogIncident)?.Id;
                if (id == null)
                {
                    Fail(new RunbookException("IncidentIdRequired", RunbookErrorKind.InvalidArgument, "Name the incident whose changes to take back: -IncidentId <id>, or pipe Get-PostHogIncident.", "IncidentId"));
                    return;
                }

                var journal = IncidentJournalAccess.Open(this, ResolveProfile(ConfigPath));
                var incident = Await(token => journal.GetAsync(id, token));
                var profile = ResolveProfile(ConfigPath, incident.Target);
                var pending = IncidentRemediation.PendingUndo(incident);
                if (pending.Count == 0)
                {
                    WriteVerbose($"Incident {id} has no applied change left to take back.");
                    return;
                }

                // One lock for the whole undo: taken before its first write, held until its last.
                WhileLocking(() =>
                {
                    foreach (var action in pending)
                    {
                        var attempt = Remediate(profile, (remediator, token) => IncidentRemediation.PlanUndoAsync(remediator, action, token), $"Undo {action.Action} of incident {id}");
                        if (attempt.Declined)
                        {
                            continue;
                        }

                        var records = new List<IncidentRecord>(attempt.LockRecords)
                        {
                            attempt.Change != null
                                ? IncidentRecord.Undone(action.Action, action.Target, action.Container, attempt.Change.Before, attempt.Change.After, attempt.Change.Outcome, attempt.Change.Message)
                                : IncidentRemediation.FailureOf(attempt.Plan?.Action ?? RemediationAction.None, attempt.Plan, attempt.Error!),
                        };
                        Await(token => journal.AppendAsync(id, records, token));
                        if (attempt.Change != null)
                        {
                            WriteObject(attempt.Change.InIncident(id));
                        }

                        if (attempt.Error != null)
                        {
                            WriteFailure(attempt.Error);
                        }

                        if (attempt.LockRefused)
                        {
                            // Someone else is changing the deployment: the rest of the undo would race them.
                            break;
                        }
                    }
                });
            });
        }
    }
}
