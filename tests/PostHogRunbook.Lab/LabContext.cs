using System.Collections.Concurrent;

namespace PostHogRunbook.Lab
{
    /// <summary>One request the lab received: tests prove -WhatIf and "never touched" by reading these.</summary>
    public sealed record RequestRecord(DateTimeOffset At, string Part, string Method, string Path, string Query, int Status);

    /// <summary>Options from the command line that size the world.</summary>
    public sealed record LabOptions(
        string Scenario,
        int LatencyMs,
        int PodCount,
        long LogBytesPerPod,
        string StateDirectory);

    /// <summary>
    /// Shared, thread-safe state of the lab: the current scenario (switchable at run time through the control
    /// endpoint), the injected latency, and the record of every request, for every part.
    /// </summary>
    public sealed class LabContext
    {
        readonly ConcurrentQueue<RequestRecord> requests = new();
        volatile LabScenario scenario;

        public LabContext(LabOptions options)
        {
            Options = options;
            scenario = LabScenario.Find(options.Scenario);
            LatencyMs = options.LatencyMs;
            ScenarioStartedAt = DateTimeOffset.UtcNow;
        }

        public LabOptions Options { get; }

        public LabScenario Scenario => scenario;

        public DateTimeOffset ScenarioStartedAt { get; private set; }

        /// <summary>Added before every answer of every part.</summary>
        public int LatencyMs { get; set; }

        /// <summary>What an answer really waits: the injected latency, or the scenario's own minimum.</summary>
        public int EffectiveLatencyMs => Math.Max(LatencyMs, Scenario.MinimumLatencyMs);

        /// <summary>Raised after the scenario changes, so parts (the Kubernetes state) can follow.</summary>
        public event Action<LabScenario>? ScenarioChanged;

        public void SwitchScenario(string name)
        {
            scenario = LabScenario.Find(name);
            ScenarioStartedAt = DateTimeOffset.UtcNow;
            ScenarioChanged?.Invoke(scenario);
        }

        public void Record(RequestRecord record) => requests.Enqueue(record);

        public IReadOnlyList<RequestRecord> Requests => requests.ToArray();

        public void ClearRequests() => requests.Clear();
    }
}
