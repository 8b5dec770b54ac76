using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Remediation;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>
    /// The runbook's key rotation: the new key checked against PostHog's /flags first, the secret backed up, then
    /// replaced with a resourceVersion precondition, then the rollout restarted and the probe run again.
    /// </summary>
    [Cmdlet(VerbsData.Update, "PostHogApiKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RemediationResult))]
    public sealed class UpdatePostHogApiKeyCommand : RemediationPrimitiveCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public SecureString? NewApiKey { get; set; }

        protected override RemediationAction Action => RemediationAction.RotateApiKey;

        protected override Task<RemediationPlan> PlanAsync(Remediator remediator, CancellationToken cancellationToken)
            => remediator.PlanKeyRotationAsync(NewApiKey!, cancellationToken);
    }
}
