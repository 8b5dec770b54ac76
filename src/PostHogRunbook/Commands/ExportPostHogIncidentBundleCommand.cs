using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation;
using PostHogRunbook.Engine.Bundle;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>
    /// The runbook's evidence step: one zip per piped incident or report (or for the profile's target), holding the
    /// incident, triage, status page, health, metrics, Kubernetes objects and pod logs, redacted and hashed, with a
    /// manifest. Written under a temporary name and moved into place when complete, readable by its owner only.
    /// </summary>
    [Cmdlet(VerbsData.Export, "PostHogIncidentBundle", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(IncidentBundle))]
    public sealed class ExportPostHogIncidentBundleCommand : RunbookCmdlet
    {
        /// <summary>A PostHogIncident or TriageReport (from the pipeline): the incident the bundle is evidence of, and its target.</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>The zip to write (default: posthog-incident-&lt;id&gt;-&lt;time&gt;.zip in the current folder).</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>How far back the logs go (default: 30 minutes before the incident started, else 1 hour).</summary>
        [Parameter]
        public TimeSpan? Since { get; set; }

        /// <summary>The range of the Prometheus queries, ending now (default 2 hours).</summary>
        [Parameter]
        public TimeSpan MetricsWindow { get; set; } = IncidentBundleRequest.DefaultMetricsWindow;

        /// <summary>How many pod logs are read at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = IncidentBundleRequest.DefaultThrottleLimit;

        /// <summary>Replace a file that exists at -Path.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

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

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Selector { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? SecretName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public Uri? StatusPageUrl { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public Uri? HealthUrl { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public Uri? PrometheusUrl { get; set; }

        /// <summary>PromQL label matchers for both metrics (namespace="posthog").</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MetricsSelector { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        /// <summary>The journal folder, where a piped report's open incident is looked up.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>Where the journal lives: File (the JournalPath folder) or Kubernetes (ConfigMaps in the profile's namespace).</summary>
        [Parameter]
        public JournalStore JournalStore { get; set; }

        /// <summary>Each request's budget (log streams excepted: they run as long as they have lines).</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                if (Since is { } since && since <= TimeSpan.Zero)
                {
                    throw new RunbookException("InvalidSince", RunbookErrorKind.InvalidArgument, $"-Since must be a positive time span, not {since}.", Since);
                }

                if (MetricsWindow < TimeSpan.FromMinutes(1))
                {
                    throw new RunbookException("InvalidMetricsWindow", RunbookErrorKind.InvalidArgument, $"-MetricsWindow must be at least one minute, not {MetricsWindow}.", MetricsWindow);
                }

                var input = TargetBinding.Unwrap(InputObject);
                var target = TargetBinding.TargetOf(input);
                var profile = ResolveProfile(ConfigPath, target);
                var report = input as TriageReport;
                var incident = input as PostHogIncident;
                if (incident == null && report != null)
                {
                    incident = Await(token => IncidentJournalAccess.Open(this, profile).FindOpenAsync(report.Target, token));
                }

                var time = Services.Time.GetUtcNow();
                var name = string.Create(CultureInfo.InvariantCulture, $"posthog-incident-{incident?.Id ?? profile.Get(Engine.Configuration.RunbookSetting.Deployment)}-{time:yyyyMMdd'T'HHmmss'Z'}.zip");
                string path;
                try
                {
                    path = ResolveUserPath(Path ?? name);
                }
                catch (ArgumentException ex)
                {
                    throw new RunbookException("BundlePathInvalid", RunbookErrorKind.InvalidArgument, ex.Message, Path);
                }

                if (!ShouldProcess(path, $"Write the evidence bundle of {incident?.Id ?? profile.Get(Engine.Configuration.RunbookSetting.Deployment)} (logs since {(Since is { } given ? given.ToString() : incident != null ? "30 minutes before the incident started" : "an hour ago")})"))
                {
                    return;
                }

                var request = new IncidentBundleRequest(profile, path, incident, report == null ? Array.Empty<TriageReport>() : new[] { report }, Since, MetricsWindow, ThrottleLimit, Force.IsPresent);
                var updates = new ConcurrentQueue<BundleProgress>();
                var progress = new ProgressRecord(3, $"Evidence bundle {System.IO.Path.GetFileName(path)}", "Collecting");
                IncidentBundle bundle;
                try
                {
                    bundle = AwaitWithUpdates(token => new IncidentBundleExporter(Services).ExportAsync(request, updates.Enqueue, token), () => Drain(updates, progress));
                }
                finally
                {
                    progress.RecordType = ProgressRecordType.Completed;
                    WriteProgress(progress);
                }

                foreach (var failure in bundle.Failures)
                {
                    WriteWarning($"The bundle is written without {failure.Source}: {failure.ErrorId}: {failure.Message}");
                }

                WriteObject(bundle);
            });
        }

        void Drain(ConcurrentQueue<BundleProgress> updates, ProgressRecord progress)
        {
            BundleProgress? last = null;
            while (updates.TryDequeue(out var update))
            {
                last = update;
            }

            if (last == null || last.StreamsTotal == 0)
            {
                return;
            }

            progress.PercentComplete = Math.Min(100, 100 * last.StreamsDone / last.StreamsTotal);
            progress.StatusDescription = string.Create(CultureInfo.InvariantCulture, $"Logs: {last.StreamsDone}/{last.StreamsTotal} containers, {last.LogBytes / (1024.0 * 1024.0):0.0} MiB");
            progress.CurrentOperation = last.Last;
            WriteProgress(progress);
        }
    }
}
