using System;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Journal
{
    /// <summary>
    /// One entry to append to an incident. Made through the factories, one per kind; the journal stamps the
    /// time and the actor, writes the sentence, and redacts every text before it is written. Another actor:
    /// <c>IncidentRecord.Note("...") with { Actor = "ci/triage-job" }</c>.
    /// </summary>
    public sealed record IncidentRecord
    {
        IncidentRecord(IncidentEntryKind kind)
        {
            Kind = kind;
        }

        public IncidentEntryKind Kind { get; }

        /// <summary>The sentence to journal; when null, the journal writes one from the record's data.</summary>
        public string? Message { get; private init; }

        /// <summary>Who did it, when not the journal's own actor (user@host).</summary>
        public string? Actor { get; init; }

        public TriageReport? Report { get; private init; }

        public IncidentStatus? Status { get; private init; }

        /// <summary>The commander's name, or the impact, for those kinds.</summary>
        public string? Text { get; private init; }

        /// <summary>For a notification: where it went (Slack, PagerDuty, StatusPage).</summary>
        public string? Channel { get; private init; }

        public string? Action { get; private init; }

        public string? ActionTarget { get; private init; }

        public string? Container { get; private init; }

        public string? Before { get; private init; }

        public string? After { get; private init; }

        public RemediationOutcome Outcome { get; private init; }

        public string? Undo { get; private init; }

        public string? ErrorId { get; private init; }

        /// <summary>For a notification: whether the service took it, its last HTTP status, the requests made, its id for it, the event (trigger, create...).</summary>
        public bool? Succeeded { get; private init; }

        public int? HttpStatus { get; private init; }

        public int? Attempts { get; private init; }

        public string? ExternalId { get; private init; }

        public string? EventAction { get; private init; }

        /// <summary>A triage's verdict; the incident keeps its category, severity, next action, summary and decision path.</summary>
        public static IncidentRecord Triage(TriageReport report)
            => new(IncidentEntryKind.Triage) { Report = report ?? throw new ArgumentNullException(nameof(report)) };

        /// <summary>A change made to production (or found already made: outcome AlreadyInState), with the values before and after and how to undo it.</summary>
        public static IncidentRecord ActionTaken(string action, string? target, string? container, string? before, string? after, RemediationOutcome outcome, string? undo, string? message = null)
            => new(IncidentEntryKind.Action)
            {
                Action = Required(action, nameof(action)),
                ActionTarget = target,
                Container = container,
                Before = before,
                After = after,
                Outcome = outcome,
                Undo = undo,
                Message = message,
            };

        /// <summary>A change attempted and refused or broken (RBAC, a conflict, a stuck rollout): the error's id and words.</summary>
        public static IncidentRecord ActionFailed(string action, string? target, string? container, string errorId, string message, string? before = null, string? after = null, string? undo = null)
            => new(IncidentEntryKind.ActionFailed)
            {
                Action = Required(action, nameof(action)),
                ActionTarget = target,
                Container = container,
                Before = before,
                After = after,
                Outcome = RemediationOutcome.Failed,
                Undo = undo,
                ErrorId = Required(errorId, nameof(errorId)),
                Message = Required(message, nameof(message)),
            };

        /// <summary>An earlier change taken back: <paramref name="before"/> is the value the undo replaced, <paramref name="after"/> the one it restored.</summary>
        public static IncidentRecord Undone(string action, string? target, string? container, string? before, string? after, RemediationOutcome outcome, string? message = null)
            => new(IncidentEntryKind.Undo)
            {
                Action = Required(action, nameof(action)),
                ActionTarget = target,
                Container = container,
                Before = before,
                After = after,
                Outcome = outcome,
                Message = message,
            };

        public static IncidentRecord StatusChange(IncidentStatus status, string? reason = null)
            => new(IncidentEntryKind.StatusChanged) { Status = status, Message = reason };

        public static IncidentRecord CommanderChange(string commander)
            => new(IncidentEntryKind.Commander) { Text = Required(commander, nameof(commander)) };

        public static IncidentRecord ImpactChange(string impact)
            => new(IncidentEntryKind.Impact) { Text = Required(impact, nameof(impact)) };

        public static IncidentRecord Note(string text)
            => new(IncidentEntryKind.Note) { Message = Required(text, nameof(text)) };

        /// <summary>A message sent (or that failed to send) to a channel: Slack, PagerDuty, the status page.</summary>
        public static IncidentRecord Notification(string channel, string message)
            => new(IncidentEntryKind.Notification) { Channel = Required(channel, nameof(channel)), Message = Required(message, nameof(message)) };

        /// <summary>A send and how it went: the journal keeps the outcome, so the next send can update what this one created.</summary>
        public static IncidentRecord Notification(string channel, string message, bool succeeded, int? httpStatus, int attempts, string? externalId, string? eventAction, string? errorId = null)
            => new(IncidentEntryKind.Notification)
            {
                Channel = Required(channel, nameof(channel)),
                Message = Required(message, nameof(message)),
                Succeeded = succeeded,
                HttpStatus = httpStatus,
                Attempts = attempts,
                ExternalId = externalId,
                EventAction = eventAction,
                ErrorId = errorId,
            };

        /// <summary>
        /// An entry of a kind that carries only a sentence (Note, Verification, Notification without a channel).
        /// Kinds that carry data have their own factory.
        /// </summary>
        public static IncidentRecord Entry(IncidentEntryKind kind, string message)
        {
            if (kind is not (IncidentEntryKind.Note or IncidentEntryKind.Verification or IncidentEntryKind.Notification))
            {
                throw new ArgumentException($"An entry of kind {kind} carries data: use its own factory of IncidentRecord.", nameof(kind));
            }

            return new IncidentRecord(kind) { Message = Required(message, nameof(message)) };
        }

        static string Required(string? value, string name)
            => string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"{name} must not be empty.", name) : value;
    }
}
