using System;

namespace PostHogRunbook.Model
{
    /// <summary>One line of an incident's timeline: when, what kind, what happened, who.</summary>
    public sealed class IncidentEntry
    {
        public IncidentEntry(DateTimeOffset at, IncidentEntryKind kind, string message, string actor)
        {
            At = at;
            Kind = kind;
            Message = message;
            Actor = actor;
        }

        /// <summary>When it was journaled, UTC.</summary>
        public DateTimeOffset At { get; }

        public IncidentEntryKind Kind { get; }

        /// <summary>One sentence for people; already redacted.</summary>
        public string Message { get; }

        /// <summary>Who wrote it: user@host, or what the writer named itself.</summary>
        public string Actor { get; }

        public override string ToString() => $"{At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z {Kind} {Message} ({Actor})";
    }
}
