using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace PostHogRunbook.Engine.Redaction
{
    /// <summary>
    /// What one piece of work had removed, by rule: the redactor's own counts cover the whole command (verbose
    /// messages included), a tally covers only what was passed with it (one bundle's entries).
    /// </summary>
    public sealed class RedactionTally
    {
        readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);

        public IReadOnlyDictionary<string, int> Counts => counts.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

        public int Total => counts.Values.Sum();

        internal void Add(string kind, int occurrences) => counts.AddOrUpdate(kind, static (_, n) => n, static (_, current, n) => current + n, occurrences);
    }
}
