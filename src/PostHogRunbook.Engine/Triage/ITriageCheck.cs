using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Triage.Checks;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>One triage check. The engine runs a list of them at once, each bounded by the timeout.</summary>
    internal interface ITriageCheck
    {
        TriageCheckName Name { get; }

        /// <summary>
        /// How many dependency calls the check makes one after another, each with the whole timeout (the probe
        /// reads the deployment's secret, then asks /flags): the engine's hard stop allows for all of them.
        /// </summary>
        int SequentialCalls { get; }

        /// <summary>
        /// Whether it always reads the cluster when a kubeconfig is configured: the engine then opens the gateway before
        /// it starts the checks. A check that reads it only sometimes (the status page, for the deployment's host) opens
        /// it itself when it does.
        /// </summary>
        bool UsesKubernetes { get; }

        Task<CheckOutcome> RunAsync(TriageContext context, CancellationToken cancellationToken);
    }

    internal static class TriageChecks
    {
        /// <summary>The runbook's six checks, in the order reports list them.</summary>
        public static IReadOnlyList<ITriageCheck> Default { get; } = new ITriageCheck[]
        {
            new StatusPageCheck(),
            new PostHogApiCheck(),
            new AppHealthCheck(),
            new ErrorRateCheck(),
            new WorkloadCheck(),
            new ErrorLogsCheck(),
        };
    }
}
