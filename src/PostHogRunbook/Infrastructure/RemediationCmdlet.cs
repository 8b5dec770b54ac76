using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Remediation;
using PostHogRunbook.Model;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>
    /// What the remediation primitives share: the profile parameters or a piped TriageReport / PostHogIncident as
    /// the target, plan first (reads only), ShouldProcess on the pipeline thread (-WhatIf shows the real before and
    /// after and writes nothing), then apply, wait for the rollout, verify, journal. A failure of one piped target
    /// is that target's error record; the next target goes on.
    /// </summary>
    public abstract class RemediationCmdlet : RunbookCmdlet
    {
        /// <summary>A TriageReport or PostHogIncident (from the pipeline) naming the integration to act on.</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? KubeConfig { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(KubeContextCompleter))]
        public string? Context { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Namespace { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Deployment { get; set; }

        /// <summary>The integration's container; by default the one whose env or envFrom refers to POSTHOG_* or the secret.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Container { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? SecretName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? SecretKey { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? PostHogHost { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        /// <summary>Each Kubernetes or PostHog request's budget.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; }

        /// <summary>How long to wait for the rollout after the change.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int RolloutTimeoutSec { get; set; } = 300;

        /// <summary>Make the change and return: do not wait for the rollout (nor verify it).</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary>What the primitive plans: reads only.</summary>
        protected abstract Task<RemediationPlan> PlanAsync(Remediator remediator, CancellationToken cancellationToken);

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                var profile = ResolveProfile(ConfigPath, TargetBinding.TargetOf(InputObject));
                var result = Remediate(profile, PlanAsync);
                if (result != null)
                {
                    WriteObject(result);
                }
            });
        }

        /// <summary>
        /// Plan, ShouldProcess, apply and wait; the result, or null when -WhatIf or the user declined. Failures are
        /// written as this target's errors (with the result of what was done, when something was).
        /// </summary>
        internal RemediationResult? Remediate(RunbookProfile profile, Func<Remediator, CancellationToken, Task<RemediationPlan>> plan)
        {
            var remediator = new Remediator(Services, profile);
            RemediationPlan planned;
            try
            {
                planned = Await(token => plan(remediator, token));
            }
            catch (RunbookException ex)
            {
                WriteFailure(ex);
                return null;
            }

            WriteVerbose($"{planned.ShouldProcessTarget}: {planned.ShouldProcessAction}{(planned.AlreadyInState ? " (already in state: nothing to write)" : string.Empty)}");
            if (!planned.AlreadyInState && !ShouldProcess(planned.ShouldProcessTarget, planned.ShouldProcessAction))
            {
                return null;
            }

            var messages = new ConcurrentQueue<string>();
            var progress = new ProgressRecord(2, $"{planned.Action} on {planned.Target}", "Applying");
            try
            {
                var options = new RemediationOptions(!NoWait.IsPresent, RolloutTimeoutSec);
                var result = AwaitWithUpdates(token => remediator.ApplyAsync(planned, options, messages.Enqueue, token), () => Drain(messages, progress));
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
                return result;
            }
            catch (RemediationException ex)
            {
                WriteObject(ex.Result);
                WriteFailure(ex.Error);
                return null;
            }
            catch (RunbookException ex)
            {
                WriteFailure(ex);
                return null;
            }
        }

        void Drain(ConcurrentQueue<string> messages, ProgressRecord progress)
        {
            while (messages.TryDequeue(out var message))
            {
                WriteVerbose(message);
                progress.StatusDescription = message;
                WriteProgress(progress);
            }
        }
    }
}
