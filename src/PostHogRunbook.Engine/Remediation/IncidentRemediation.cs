using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Remediation
{
    /// <summary>
    /// How remediation meets the incident journal: the runbook's action for a verdict as a plan, each result as the
    /// journal's record, the incident's status after it, and the undo of an incident's changes. Pure where it can be,
    /// so the rules are tested without a cluster.
    /// </summary>
    public static class IncidentRemediation
    {
        static readonly Regex EnvSetting = new(@"^env (?<name>\S+)$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        static readonly Regex BackupReference = new(@"backup secret (?<name>[a-z0-9][a-z0-9.-]*[a-z0-9]) key (?<key>[-._A-Za-z0-9]+[A-Za-z0-9])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        /// <summary>Whether the action is a change to production (the others only record and watch).</summary>
        public static bool ChangesProduction(RemediationAction action)
            => action is RemediationAction.EnableFallback or RemediationAction.QueueRequests or RemediationAction.RotateApiKey or RemediationAction.RestartIntegration;

        /// <summary>The runbook's change for a verdict. RotateApiKey needs the new key: without one, NewApiKeyRequired.</summary>
        public static Task<RemediationPlan> PlanAsync(Remediator remediator, RemediationAction action, SecureString? newApiKey, CancellationToken cancellationToken) => action switch
        {
            RemediationAction.EnableFallback => remediator.PlanEnvAsync(action, Remediator.FallbackVariable, "true", cancellationToken),
            RemediationAction.QueueRequests => remediator.PlanEnvAsync(action, Remediator.RateLimitVariable, "queue", cancellationToken),
            RemediationAction.RestartIntegration => remediator.PlanRestartAsync(cancellationToken),
            RemediationAction.RotateApiKey => newApiKey != null
                ? remediator.PlanKeyRotationAsync(newApiKey, cancellationToken)
                : throw new RunbookException("NewApiKeyRequired", RunbookErrorKind.InvalidArgument,
                    "The verdict is RotateApiKey, but no new key was given: create a project key in PostHog (Project settings > Project API key), then pass it: Invoke-PostHogTriage | Resolve-PostHogIncident -NewApiKey (Read-Host -AsSecureString) -Confirm:$false.",
                    "NewApiKey"),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "not a change to production"),
        };

        /// <summary>The journal's record of a change that was made, or found already made.</summary>
        public static IncidentRecord RecordOf(RemediationResult result)
            => IncidentRecord.ActionTaken(result.Action.ToString(), result.Setting, result.Container, result.Before, result.After, result.Outcome, result.Undo, result.Message);

        /// <summary>The journal's record of a change refused or broken (RBAC, a conflict, a stuck rollout).</summary>
        public static IncidentRecord FailureOf(RemediationAction action, RemediationPlan? plan, RunbookException error)
            => IncidentRecord.ActionFailed(action.ToString(), plan?.Setting, plan?.Container, error.ErrorId, error.Message, plan?.Before, plan?.After, plan?.Undo);

        /// <summary>The journal's record of a remediation lock taken from another holder (expired, or -Force): it names that holder.</summary>
        public static IncidentRecord TakeoverRecord(RemediationLockTakeover takeover)
            => IncidentRecord.Note(takeover.Message);

        /// <summary>
        /// The incident's status after a change: Mitigated when it was applied (or already in place) and seen to hold,
        /// Investigating when it did not hold. Watching is Monitoring; an escalation stays Investigating.
        /// </summary>
        public static IncidentStatus StatusAfter(RemediationAction action, RemediationResult? result, IncidentStatus current)
        {
            if (action == RemediationAction.Monitor)
            {
                return IncidentStatus.Monitoring;
            }

            if (result == null)
            {
                return current == IncidentStatus.Resolved ? IncidentStatus.Investigating : current;
            }

            return result.Outcome == RemediationOutcome.AlreadyInState || (result.Outcome == RemediationOutcome.Applied && result.Verification != VerificationOutcome.NotVerified)
                ? IncidentStatus.Mitigated
                : IncidentStatus.Investigating;
        }

        /// <summary>The incident's applied changes that were not taken back yet, newest first.</summary>
        public static IReadOnlyList<IncidentAction> PendingUndo(PostHogIncident incident)
        {
            var applied = new List<IncidentAction>();
            foreach (var action in incident.Actions.OrderBy(a => a.At))
            {
                if (action.Kind == IncidentEntryKind.Action && action.Outcome == RemediationOutcome.Applied && action.Undo != null)
                {
                    applied.Add(action);
                }
                else if (action.Kind == IncidentEntryKind.Undo)
                {
                    var undone = applied.LastOrDefault(a => a.Action == action.Action && a.Target == action.Target);
                    if (undone != null)
                    {
                        applied.Remove(undone);
                    }
                }
            }

            applied.Reverse();
            return applied;
        }

        /// <summary>The change that restores what a journaled action replaced: the env's previous value (absent: removed), the key from its backup Secret.</summary>
        public static Task<RemediationPlan> PlanUndoAsync(Remediator remediator, IncidentAction action, CancellationToken cancellationToken)
        {
            var verdict = Enum.TryParse<RemediationAction>(action.Action, out var parsed) ? parsed : RemediationAction.None;
            if (action.Target != null && EnvSetting.Match(action.Target) is { Success: true } env)
            {
                if (action.Before != null && action.Before.StartsWith("(from ", StringComparison.Ordinal))
                {
                    throw new RunbookException("UndoNotPossible", RunbookErrorKind.InvalidOperation, $"{env.Groups["name"].Value} came {action.Before} before the change: restore that reference by hand ({action.Undo}).", action.Target);
                }

                return remediator.PlanEnvAsync(verdict, env.Groups["name"].Value, action.Before, cancellationToken);
            }

            if (action.Undo != null && BackupReference.Match(action.Undo) is { Success: true } backup)
            {
                return remediator.PlanKeyRestoreAsync(backup.Groups["name"].Value, backup.Groups["key"].Value, cancellationToken);
            }

            throw new RunbookException("UndoNotPossible", RunbookErrorKind.InvalidOperation, $"The action {action.Action} on {action.Target} has nothing to take back.", action.Target);
        }
    }
}
