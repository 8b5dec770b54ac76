using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Remediation;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>The runbook's request queuing: RATE_LIMIT_MODE in the integration container's env, then the rollout.</summary>
    [Cmdlet(VerbsCommon.Set, "PostHogRateLimitMode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RemediationResult))]
    public sealed class SetPostHogRateLimitModeCommand : RemediationPrimitiveCmdlet
    {
        /// <summary>queue (hold requests and retry with backoff: the runbook's answer to 429s), drop, or direct (normal).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ArgumentCompleter(typeof(RateLimitModeCompleter))]
        [ValidatePattern("^[A-Za-z][A-Za-z0-9_-]{0,31}$")]
        public string Mode { get; set; } = string.Empty;

        protected override RemediationAction Action => RemediationAction.QueueRequests;

        protected override Task<RemediationPlan> PlanAsync(Remediator remediator, CancellationToken cancellationToken)
            => remediator.PlanEnvAsync(RemediationAction.QueueRequests, Remediator.RateLimitVariable, Mode, cancellationToken);
    }
}
