using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace PostHogRunbook.Model
{
    /// <summary>The PostHog Cloud region an integration talks to. All means no filter.</summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum PostHogRegion
    {
        All,
        US,
        EU,
    }

    /// <summary>Which generation of PostHog's status page answered.</summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum StatusPageProvider
    {
        /// <summary>incident.io's widget API, <c>/api/v1/summary</c> (www.posthogstatus.com).</summary>
        IncidentIo,

        /// <summary>Atlassian Statuspage v2, <c>/api/v2/summary.json</c> (the older status.posthog.com).</summary>
        StatuspageV2,
    }

    /// <summary>
    /// One scale for both providers, worst last. The provider's own word is always kept beside it
    /// (RawStatus / RawImpact), so an unknown value is never lost, only mapped to Unknown.
    /// </summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum ServiceState
    {
        Operational,
        Unknown,
        UnderMaintenance,
        DegradedPerformance,
        PartialOutage,
        FullOutage,
    }
}
