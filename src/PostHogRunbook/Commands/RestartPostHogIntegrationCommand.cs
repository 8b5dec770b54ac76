using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Remediation;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>A rollout restart as `kubectl rollout restart` makes it (the restartedAt pod-template annotation), awaited and checked.</summary>
    [Cmdlet(VerbsLifecycle.Restart, "PostHogIntegration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RemediationResult))]
    public sealed class RestartPostHogIntegrationCommand : RemediationPrimitiveCmdlet
    {
        protected override RemediationAction Action => RemediationAction.RestartIntegration;

        protected override Task<RemediationPlan> PlanAsync(Remediator remediator, CancellationToken cancellationToken)
            => remediator.PlanRestartAsync(cancellationToken);
    }
}
