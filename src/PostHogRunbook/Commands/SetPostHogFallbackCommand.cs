using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Remediation;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>The runbook's fallback mode: POSTHOG_FALLBACK in the integration container's env, then the rollout.</summary>
    [Cmdlet(VerbsCommon.Set, "PostHogFallback", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RemediationResult))]
    public sealed class SetPostHogFallbackCommand : RemediationPrimitiveCmdlet
    {
        /// <summary>$true: the integration buffers events locally instead of sending them; $false: back to normal.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public bool Enabled { get; set; }

        protected override RemediationAction Action => RemediationAction.EnableFallback;

        protected override Task<RemediationPlan> PlanAsync(Remediator remediator, CancellationToken cancellationToken)
            => remediator.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, Enabled ? "true" : "false", cancellationToken);
    }
}
