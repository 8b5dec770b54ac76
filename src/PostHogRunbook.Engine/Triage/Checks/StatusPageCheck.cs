using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Status;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage.Checks
{
    /// <summary>Has PostHog declared an incident or a maintenance on our region's components?</summary>
    internal sealed class StatusPageCheck : ITriageCheck
    {
        public TriageCheckName Name => TriageCheckName.StatusPage;

        // The region may come from the deployment's POSTHOG_HOST: that read, then the page.
        public int SequentialCalls => 2;

        public bool UsesKubernetes => false;

        public async Task<CheckOutcome> RunAsync(TriageContext context, CancellationToken cancellationToken)
        {
            var url = context.Profile.GetUri(RunbookSetting.StatusPageUrl);
            if (url == null)
            {
                return CheckOutcome.Skipped("no status page URL");
            }

            var region = await RegionAsync(context).ConfigureAwait(false);
            var status = await new StatusPageClient(context.Http, context.Time, context.Redactor).GetStatusAsync(url, region, context.CheckTimeout, cancellationToken).ConfigureAwait(false);
            if (status.IsAffected)
            {
                return new CheckOutcome(CheckStatus.Fail, status.Summary, status);
            }

            var soon = status.ScheduledMaintenances.Where(m => m.StartsAt is { } start && start - status.RetrievedAt < TimeSpan.FromHours(24)).ToList();
            return soon.Count > 0
                ? new CheckOutcome(CheckStatus.Warn, $"{status.Summary}; maintenance within 24 h: {string.Join("; ", soon.Select(m => m.Name))}", status)
                : new CheckOutcome(CheckStatus.Pass, status.Summary, status);
        }

        /// <summary>-Region, else the configured host, else the deployment's POSTHOG_HOST, else All.</summary>
        internal static async Task<PostHogRegion> RegionAsync(TriageContext context)
        {
            var region = context.Profile.GetRegion();
            if (region != PostHogRegion.All || !string.IsNullOrWhiteSpace(context.Profile.Get(RunbookSetting.PostHogHost)))
            {
                return region;
            }

            var host = await PostHogApiCheck.DeploymentHostAsync(context).ConfigureAwait(false);
            return RunbookProfile.RegionOfHost(host);
        }
    }
}
