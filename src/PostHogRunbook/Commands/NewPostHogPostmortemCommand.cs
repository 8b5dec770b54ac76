using System;
using System.IO;
using System.Management.Automation;
using System.Text;
using PostHogRunbook.Engine.Comms;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>Writes the runbook's postmortem, filled from the incident's journal and its metrics, to the pipeline or to -Path.</summary>
    [Cmdlet(VerbsCommon.New, "PostHogPostmortem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = FromPipeline)]
    [OutputType(typeof(Postmortem))]
    public sealed class NewPostHogPostmortemCommand : RunbookCmdlet
    {
        const string FromPipeline = "InputObject";
        const string ById = "IncidentId";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FromPipeline)]
        [ValidateNotNull]
        public PostHogIncident? InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ById)]
        [ValidateNotNullOrEmpty]
        public string? IncidentId { get; set; }

        /// <summary>A markdown file to write; the Postmortem still goes down the pipeline, with its Path.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Overwrite -Path when it exists.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Where the impact's metrics come from; default the incident's own (its triage's) Prometheus.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? PrometheusUrl { get; set; }

        /// <summary>PromQL label matchers for one deployment's series in a shared Prometheus (namespace="posthog").</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MetricsSelector { get; set; }

        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>Where the journal lives: File (the JournalPath folder) or Kubernetes (ConfigMaps in the profile's namespace).</summary>
        [Parameter]
        public JournalStore JournalStore { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        IIncidentJournal? journal;

        protected override void BeginProcessing()
        {
            Guard(() => journal = IncidentJournalAccess.Open(this, ResolveProfile(ConfigPath, parameters: ProfileParameters())));
        }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                PostHogIncident incident;
                try
                {
                    incident = Await(token => journal!.GetAsync(IncidentId ?? InputObject!.Id, token));
                }
                catch (RunbookException ex) when (ex.ErrorId == "IncidentNotFound")
                {
                    WriteFailure(ex);
                    return;
                }

                var profile = ResolveProfile(ConfigPath, incident.Target, ProfileParameters());
                var now = Services.Time.GetUtcNow();
                var timeout = TimeSpan.FromSeconds(profile.GetInt(RunbookSetting.TimeoutSec, 10));
                var metrics = Await(token => PostmortemWriter.ReadMetricsAsync(
                    Services,
                    profile.GetUri(RunbookSetting.PrometheusUrl),
                    profile.Get(RunbookSetting.ErrorMetric) ?? "posthog_errors_total",
                    profile.Get(RunbookSetting.RequestMetric) ?? "posthog_requests_total",
                    profile.Get(RunbookSetting.MetricsSelector),
                    profile.Get(RunbookSetting.MetricsWindow) ?? "5m",
                    incident,
                    timeout,
                    token));
                if (metrics.Unavailable != null)
                {
                    WriteVerbose($"Impact without metrics: {metrics.Unavailable}");
                }

                var markdown = PostmortemWriter.Write(incident, metrics, now, Services.Redactor);
                string? written = null;
                if (Path != null)
                {
                    written = ResolveOutputPath(Path);
                    if (File.Exists(written) && !Force.IsPresent)
                    {
                        WriteFailure(new RunbookException("PostmortemFileExists", RunbookErrorKind.InvalidOperation, $"'{written}' exists: give -Force to replace it, or another -Path.", written));
                        return;
                    }

                    if (!ShouldProcess(written, $"Write the postmortem of incident {incident.Id}"))
                    {
                        return;
                    }

                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(written)!);
                    File.WriteAllText(written, markdown, new UTF8Encoding(false));
                }

                WriteObject(new Postmortem(incident.Id, PostmortemWriter.Title(incident), markdown, written));
            });
        }

        string ResolveOutputPath(string path)
        {
            try
            {
                return ResolveUserPath(path);
            }
            catch (ArgumentException ex)
            {
                throw new RunbookException("PostmortemPathInvalid", RunbookErrorKind.InvalidArgument, ex.Message, path);
            }
        }

        System.Collections.Generic.Dictionary<string, string?> ProfileParameters()
        {
            var bound = BoundProfileParameters();
            bound.Remove(nameof(IncidentId));
            bound.Remove(nameof(Path));
            return bound;
        }
    }
}
