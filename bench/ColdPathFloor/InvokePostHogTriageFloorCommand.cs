using System;
using System.Globalization;
using System.Management.Automation;
using System.Threading;

namespace PostHogRunbookFloor
{
    /// <summary>The triage's shape without its work: -Quiet, -FailOnSeverity, a wait, and the same kind of failure.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "PostHogTriageFloor")]
    public sealed class InvokePostHogTriageFloorCommand : PSCmdlet
    {
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        [Parameter]
        [ValidateSet("P1", "P2", "P3", "P4")]
        public string? FailOnSeverity { get; set; }

        /// <summary>How long the warm triage took (the bench sets it); 0 when unset.</summary>
        [Parameter]
        public int WaitMs { get; set; } = int.TryParse(Environment.GetEnvironmentVariable("POSTHOG_RUNBOOK_FLOOR_WAIT_MS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? ms : 0;

        protected override void EndProcessing()
        {
            Thread.Sleep(WaitMs);
            if (FailOnSeverity != null)
            {
                var exception = new InvalidOperationException($"The triage reached P1, at or above -FailOnSeverity {FailOnSeverity}: PostHogOutage (the floor module did no work).");
                ThrowTerminatingError(new ErrorRecord(exception, "TriageSeverityReached", ErrorCategory.LimitsExceeded, null));
            }

            if (!Quiet)
            {
                WriteObject("P1");
            }
        }
    }
}
