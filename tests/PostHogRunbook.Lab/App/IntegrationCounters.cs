using System.Diagnostics;

namespace PostHogRunbook.Lab.App
{
    /// <summary>One reading of the integration's counters.</summary>
    public sealed record CounterReading(IReadOnlyDictionary<string, double> ErrorsByStatus, double Requests);

    /// <summary>
    /// The integration's Prometheus counters, growing at the current scenario's rates since the lab started.
    /// Elapsed time is folded in at each reading and at each scenario switch, with the rates that were in effect, so
    /// the counters never decrease and never reset, whatever the switches: Prometheus's rate() sees what it would in
    /// production.
    /// </summary>
    public sealed class IntegrationCounters
    {
        /// <summary>Exposed even at zero, so that a query by status always finds its series.</summary>
        public static readonly IReadOnlyList<string> AlwaysExposedStatuses = new[] { "401", "403", "429", "503", "timeout" };

        readonly object gate = new();
        readonly Dictionary<string, double> errors = AlwaysExposedStatuses.ToDictionary(s => s, _ => 0.0, StringComparer.Ordinal);
        double requests;
        long foldedAt = Stopwatch.GetTimestamp();
        LabScenario ratesInEffect;

        public IntegrationCounters(LabScenario initial) => ratesInEffect = initial;

        /// <summary>Called when the scenario switches: the time so far counts at the old rates, from now on at the new.</summary>
        public void Follow(LabScenario next)
        {
            lock (gate)
            {
                FoldElapsedTime();
                ratesInEffect = next;
            }
        }

        public CounterReading Read(LabScenario current)
        {
            lock (gate)
            {
                FoldElapsedTime();
                ratesInEffect = current;
                return new CounterReading(new Dictionary<string, double>(errors, StringComparer.Ordinal), requests);
            }
        }

        void FoldElapsedTime()
        {
            var now = Stopwatch.GetTimestamp();
            var seconds = Stopwatch.GetElapsedTime(foldedAt, now).TotalSeconds;
            foldedAt = now;
            foreach (var (status, perSecond) in ratesInEffect.ErrorRates)
            {
                errors[status] = errors.GetValueOrDefault(status) + Math.Max(0, perSecond) * seconds;
            }

            requests += Math.Max(0, ratesInEffect.RequestRate) * seconds;
        }
    }
}
