using System.Collections.Generic;

namespace PostHogRunbook.Model
{
    /// <summary>PostHog error lines in the integration's pod logs over the window, counted by HTTP status.</summary>
    public sealed class ErrorLogEvidence : TriageEvidence
    {
        public ErrorLogEvidence(
            int podsRead,
            int sinceSeconds,
            long linesRead,
            IReadOnlyDictionary<string, int> countsByStatus,
            IReadOnlyDictionary<string, int> lastMinuteCountsByStatus,
            IReadOnlyList<string> samples,
            IReadOnlyList<string> podErrors,
            string recentWindow = "1m")
        {
            PodsRead = podsRead;
            SinceSeconds = sinceSeconds;
            LinesRead = linesRead;
            CountsByStatus = countsByStatus;
            LastMinuteCountsByStatus = lastMinuteCountsByStatus;
            Samples = samples;
            PodErrors = podErrors;
            RecentWindow = recentWindow;
        }

        public int PodsRead { get; }

        public int SinceSeconds { get; }

        public long LinesRead { get; }

        public IReadOnlyDictionary<string, int> CountsByStatus { get; }

        /// <summary>The error lines of the recent window (RecentWindow; by default the last minute), by status.</summary>
        public IReadOnlyDictionary<string, int> LastMinuteCountsByStatus { get; }

        /// <summary>A few error lines, redacted.</summary>
        public IReadOnlyList<string> Samples { get; }

        /// <summary>Pods whose logs could not be read, and why.</summary>
        public IReadOnlyList<string> PodErrors { get; }

        /// <summary>What "now" meant, a Prometheus duration (the RecentWindow setting; default 1m).</summary>
        public string RecentWindow { get; }

        public override string ToString()
        {
            var total = 0;
            foreach (var count in CountsByStatus.Values)
            {
                total += count;
            }

            return $"{total} PostHog error lines in {PodsRead} pods over {SinceSeconds} s ({LinesRead} lines read)";
        }
    }
}
