using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using PostHogRunbook.Engine.Configuration;
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

                var profile = ResolveProfile(ConfigPath, parameters: parameters);
                var contexts = Context is { Length: > 1 } ? Context.Distinct(StringComparer.Ordinal).ToList() : new List<string>();
                var request = new TriageRequest(profile, contexts, Check?.Distinct().ToList());
                var engine = new TriageEngine(Services);
                var observer = new QueuedTriageObserver();
                var expected = engine.CheckCount(request) * Math.Max(1, contexts.Count);
                var progress = new ProgressRecord(1, "Invoke-PostHogTriage", "Running the checks");

                var results = AwaitWithUpdates(token => engine.RunAsync(request, observer, token), () => Drain(observer, progress, expected));
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);

                foreach (var result in results)
                {
                    var report = result.Report;
                    WriteVerbose($"{report.Target}: {report.Category} {report.Severity} in {report.Duration.TotalMilliseconds:0} ms");
                    if (!(Quiet.IsPresent && report.Category == TriageCategory.Healthy))
                    {
                        WriteObject(report);
                    }

                    // The report stands (its checks say Unavailable); the error says why this target could not be
                    // reached, and -ErrorAction decides whether the user sees it. The other contexts go on.
                    if (result.TargetFailure != null)
                    {
                        WriteFailure(result.TargetFailure);
                    }
                }

                if (FailOnSeverity != null)
                {
                    var limit = Enum.Parse<IncidentSeverity>(FailOnSeverity, ignoreCase: true);
                    var worst = results.Select(r => r.Report).Where(r => r.Severity >= limit).OrderByDescending(r => r.Severity).FirstOrDefault();
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
