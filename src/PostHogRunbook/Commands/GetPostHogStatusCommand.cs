using System;
using System.Management.Automation;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Status;
using PostHogRunbook.Infrastructure;
using PostHogRunbook.Model;

namespace PostHogRunbook.Commands
{
    /// <summary>Reads PostHog's status page (incident.io or Statuspage v2) and filters it to our region.</summary>
    [Cmdlet(VerbsCommon.Get, "PostHogStatus")]
    [OutputType(typeof(PostHogStatus))]
    public sealed class GetPostHogStatusCommand : RunbookCmdlet
    {
        /// <summary>The status site (https://www.posthogstatus.com) or a document URL on it.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public Uri? StatusPageUrl { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public PostHogRegion Region { get; set; }

        /// <summary>The PostHog host the integration talks to; its us./eu. prefix picks the region.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? PostHogHost { get; set; }

        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                // A bad setting or config file fails the whole command; a status page that cannot be read is
                // this input's failure (WriteError), so -ErrorAction decides and the next piped input still runs.
                var profile = ResolveProfile(ConfigPath);
                var url = profile.GetUri(RunbookSetting.StatusPageUrl)!;
                var region = profile.GetRegion();
                var timeout = TimeSpan.FromSeconds(profile.GetInt(RunbookSetting.TimeoutSec, 10));
                WriteVerbose($"Reading {url} for {region} (timeout {timeout.TotalSeconds:0} s).");
                PostHogStatus status;
                try
                {
                    var client = new StatusPageClient(Services);
                    status = Await(token => client.GetStatusAsync(url, region, timeout, token));
                }
                catch (RunbookException ex) when (ex.ErrorId.StartsWith("StatusPage", StringComparison.Ordinal))
                {
                    WriteFailure(ex);
                    return;
                }

                WriteVerbose($"{status.Provider} answered: {status.Summary}");
                WriteObject(status);
            });
        }
    }
}
