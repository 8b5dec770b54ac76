using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Triage;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>Every triage check at once, the runbook's decision tree, a verdict with its evidence.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "PostHogTriage")]
    [OutputType(typeof(TriageReport))]
    public sealed class InvokePostHogTriageCommand : RunbookCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public Uri? StatusPageUrl { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public Uri? HealthUrl { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? PostHogHost { get; set; }

        [Parameter]
        [ValidateNotNull]
        public SecureString? ProjectApiKey { get; set; }

        [Parameter]
        [ValidateNotNull]
        public SecureString? PersonalApiKey { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public Uri? PrometheusUrl { get; set; }

        /// <summary>PromQL label matchers for both metrics (namespace="posthog"): one Prometheus, many deployments.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MetricsSelector { get; set; }

        /// <summary>The metrics' window, a Prometheus duration (default 5m).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MetricsWindow { get; set; }

        /// <summary>What "now" means in the metrics and the logs, a Prometheus duration (default 1m).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? RecentWindow { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? KubeConfig { get; set; }

        /// <summary>One or more kube contexts: each is triaged concurrently, one report per context.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(KubeContextCompleter))]
        public string[]? Context { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Namespace { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Deployment { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Selector { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? SecretName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? SecretKey { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public PostHogRegion Region { get; set; }

        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        /// <summary>Run only these checks; the others are Skipped.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public TriageCheckName[]? Check { get; set; }

        /// <summary>For scheduled scripts: nothing is output for a Healthy verdict.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <summary>For scheduled scripts: after the reports, fail (terminating error) when any is at or above this severity.</summary>
        [Parameter]
        [ValidateSet("P1", "P2", "P3", "P4")]
        public string? FailOnSeverity { get; set; }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                var parameters = BoundProfileParameters();
                parameters.Remove(nameof(Context));
                parameters.Remove(nameof(Check));
                if (Context is { Length: 1 })
                {
                    parameters[nameof(Context)] = Context[0];
                }

                var profile = RunbookProfile.Resolve(parameters, ConfigPath);
                var thresholds = profile.GetThresholds();
                // Bad windows fail the command here, like bad thresholds, rather than each check that reads them.
                _ = profile.GetWindow(RunbookSetting.MetricsWindow);
                _ = profile.GetWindow(RunbookSetting.RecentWindow);
                var timeout = TimeSpan.FromSeconds(profile.GetInt(RunbookSetting.TimeoutSec, 10));
                var contexts = Context is { Length: > 1 } ? Context.Distinct(StringComparer.Ordinal).ToList() : new List<string>();
                var observer = new QueuedTriageObserver();
                var expected = (Check?.Distinct().Count() ?? 6) * Math.Max(1, contexts.Count);
                var progress = new ProgressRecord(1, "Invoke-PostHogTriage", "Running the checks");

                var reports = AwaitWithUpdates(
                    token => TriageEngine.RunAsync(profile, contexts, timeout, thresholds, new Redactor(), observer, token, Check),
                    () => Drain(observer, progress, expected));
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);

                foreach (var report in reports)
                {
                    WriteVerbose($"{report.Target}: {report.Category} {report.Severity} in {report.Duration.TotalMilliseconds:0} ms");
                    if (!(Quiet.IsPresent && report.Category == TriageCategory.Healthy))
                    {
                        WriteObject(report);
                    }
                }

                if (FailOnSeverity != null)
                {
                    var limit = Enum.Parse<IncidentSeverity>(FailOnSeverity);
                    var worst = reports.Where(r => r.Severity >= limit).OrderByDescending(r => r.Severity).FirstOrDefault();
                    if (worst != null)
                    {
                        Fail(new RunbookException("TriageSeverityReached", RunbookErrorKind.LimitsExceeded, $"Triage of {worst.Target}: {worst.Summary}", worst.Target.ToString()));
                    }
                }
            });
        }

        void Drain(QueuedTriageObserver observer, ProgressRecord progress, int expected)
        {
            while (observer.Messages.TryDequeue(out var message))
            {
                WriteVerbose(message);
            }

            var done = observer.Completed;
            progress.PercentComplete = Math.Min(100, done * 100 / expected);
            progress.StatusDescription = done == 0 ? "Running the checks" : $"{done}/{expected} checks done";
            WriteProgress(progress);
        }

        /// <summary>Queues what the engine's worker threads report; the pipeline thread writes it.</summary>
        sealed class QueuedTriageObserver : ITriageObserver
        {
            int completed;

            public ConcurrentQueue<string> Messages { get; } = new();

            public int Completed => System.Threading.Volatile.Read(ref completed);

            public void CheckCompleted(string? context, TriageCheck check)
            {
                System.Threading.Interlocked.Increment(ref completed);
                Messages.Enqueue($"{(context != null ? context + ": " : string.Empty)}{check.Name} {check.Status} in {check.Duration.TotalMilliseconds:0} ms: {check.Summary}");
            }

            public void Verbose(string message) => Messages.Enqueue(message);
        }
    }
}
