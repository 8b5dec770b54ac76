using System.Collections.Concurrent;
using PostHogRunbook.Lab.Kubernetes;

namespace PostHogRunbook.Lab
{
    /// <summary>
    /// One request the lab received: tests prove -WhatIf and "never touched" by reading these. Requests to the
    /// Kubernetes part also carry what RBAC sees of them: the verb (get, list, watch, create, update, patch,
    /// delete, deletecollection; the lowercase method for discovery and OpenAPI), and for resource requests the
    /// API group ("" for the core group), the resource ("deployments", "pods/log"), the namespace and the name.
    /// </summary>
    public sealed record RequestRecord(
        DateTimeOffset At,
        string Part,
        string Method,
        string Path,
        string Query,
        int Status,
        string? Verb = null,
        string? ApiGroup = null,
        string? Resource = null,
        string? Namespace = null,
        string? Name = null);

    /// <summary>
    /// Options from the command line that size the world; RbacRoleFiles are Role manifests the Kubernetes API
    /// enforces from the start (for RbacUser, else the kubeconfig's user).
    /// </summary>
    public sealed record LabOptions(
        string Scenario,
        int LatencyMs,
        int PodCount,
        long LogBytesPerPod,
        string StateDirectory,
        IReadOnlyList<string>? RbacRoleFiles = null,
        string? RbacUser = null);

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
            if (options.RbacRoleFiles is { Count: > 0 } roleFiles)
            {
                Rbac.EnforceFiles(roleFiles, options.RbacUser);
            }
        }

        public LabOptions Options { get; }

        public LabScenario Scenario => scenario;

        public DateTimeOffset ScenarioStartedAt { get; private set; }

        /// <summary>The RBAC Roles the Kubernetes API enforces for the lab's user; none enforced: everything is allowed.</summary>
        public LabRbac Rbac { get; } = new();

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
