using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Status
{
    /// <summary>Maps both providers' words onto one scale. Unknown words become Unknown, never an error.</summary>
    internal static class StatusStates
    {
        static readonly Regex UsGroup = new(@"\bUS\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        static readonly Regex EuGroup = new(@"\bEU\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        public static ServiceState FromComponentStatus(string? status) => Normalize(status) switch
        {
            "operational" => ServiceState.Operational,
            "degraded_performance" => ServiceState.DegradedPerformance,
            "partial_outage" => ServiceState.PartialOutage,
            "full_outage" or "major_outage" => ServiceState.FullOutage,
            "under_maintenance" => ServiceState.UnderMaintenance,
            _ => ServiceState.Unknown,
        };

        /// <summary>incident.io's current_worst_impact, or Statuspage's impact / status indicator.</summary>
        public static ServiceState FromImpact(string? impact) => Normalize(impact) switch
        {
            "none" => ServiceState.Operational,
            "minor" or "degraded_performance" => ServiceState.DegradedPerformance,
            "major" or "partial_outage" => ServiceState.PartialOutage,
            "critical" or "full_outage" or "major_outage" => ServiceState.FullOutage,
            "maintenance" or "under_maintenance" => ServiceState.UnderMaintenance,
            _ => ServiceState.Unknown,
        };

        /// <summary>The region a component group names: "US Cloud" is US, "EU Cloud" is EU, anything else All.</summary>
        public static PostHogRegion RegionOfGroup(string? group)
        {
            if (string.IsNullOrWhiteSpace(group))
            {
                return PostHogRegion.All;
            }

            if (UsGroup.IsMatch(group))
            {
                return PostHogRegion.US;
            }

            return EuGroup.IsMatch(group) ? PostHogRegion.EU : PostHogRegion.All;
        }

        /// <summary>Whether something in <paramref name="regions"/> concerns an integration in <paramref name="wanted"/>.</summary>
        public static bool Concerns(IReadOnlyCollection<PostHogRegion> regions, PostHogRegion wanted)
            => wanted == PostHogRegion.All || regions.Count == 0 || regions.Contains(PostHogRegion.All) || regions.Contains(wanted);

        public static bool Concerns(PostHogRegion region, PostHogRegion wanted)
            => wanted == PostHogRegion.All || region == PostHogRegion.All || region == wanted;

        public static ServiceState Worst(IEnumerable<ServiceState> states)
            => states.DefaultIfEmpty(ServiceState.Operational).Max();

        public static string Describe(ServiceState state) => state switch
        {
            ServiceState.Operational => "operational",
            ServiceState.UnderMaintenance => "under maintenance",
            ServiceState.DegradedPerformance => "degraded performance",
            ServiceState.PartialOutage => "partial outage",
            ServiceState.FullOutage => "full outage",
            _ => "unknown state",
        };

        public static string Describe(PostHogRegion region) => region switch
        {
            PostHogRegion.US => "US Cloud",
            PostHogRegion.EU => "EU Cloud",
            _ => "All regions",
        };

        static string Normalize(string? value) => (value ?? string.Empty).Trim().ToLowerInvariant();
    }
}
