using System;
using System.Collections.Generic;

namespace PostHogRunbook.Model
{
    /// <summary>What PostHog's status page says, filtered to one region. Output of Get-PostHogStatus.</summary>
    public sealed class PostHogStatus : TriageEvidence
    {
        public PostHogStatus(
            PostHogRegion region,
            ServiceState state,
            bool isAffected,
            string summary,
            IReadOnlyList<PostHogComponentStatus> components,
            IReadOnlyList<PostHogStatusIncident> incidents,
            IReadOnlyList<PostHogMaintenance> maintenancesInProgress,
            IReadOnlyList<PostHogMaintenance> scheduledMaintenances,
            StatusPageProvider provider,
            string statusPageUrl,
            DateTimeOffset retrievedAt)
        {
            Region = region;
            State = state;
            IsAffected = isAffected;
            Summary = summary;
            Components = components;
            Incidents = incidents;
            MaintenancesInProgress = maintenancesInProgress;
            ScheduledMaintenances = scheduledMaintenances;
            Provider = provider;
            StatusPageUrl = statusPageUrl;
            RetrievedAt = retrievedAt;
        }

        /// <summary>The region this view was filtered to.</summary>
        public PostHogRegion Region { get; }

        /// <summary>The worst state among the region's components, ongoing incidents and maintenances.</summary>
        public ServiceState State { get; }

        /// <summary>True when an ongoing incident or a maintenance in progress touches the region.</summary>
        public bool IsAffected { get; }

        /// <summary>One line for a human: what is wrong, or that all is well.</summary>
        public string Summary { get; }

        public IReadOnlyList<PostHogComponentStatus> Components { get; }

        public IReadOnlyList<PostHogStatusIncident> Incidents { get; }

        public IReadOnlyList<PostHogMaintenance> MaintenancesInProgress { get; }

        public IReadOnlyList<PostHogMaintenance> ScheduledMaintenances { get; }

        public StatusPageProvider Provider { get; }

        /// <summary>The document that was read.</summary>
        public string StatusPageUrl { get; }

        public DateTimeOffset RetrievedAt { get; }

        public override string ToString() => Summary;
    }

    /// <summary>One component of PostHog's status page ("Event ingestion" in "US Cloud").</summary>
    public sealed class PostHogComponentStatus
    {
        public PostHogComponentStatus(string name, string? group, PostHogRegion region, ServiceState state, string rawStatus)
        {
            Name = name;
            Group = group;
            Region = region;
            State = state;
            RawStatus = rawStatus;
        }

        public string Name { get; }

        /// <summary>The provider's group ("US Cloud", "EU Cloud"), if any.</summary>
        public string? Group { get; }

        /// <summary>US or EU from the group; All for a component that belongs to no region.</summary>
        public PostHogRegion Region { get; }

        public ServiceState State { get; }

        /// <summary>The provider's own word, kept even when it is one this module does not know.</summary>
        public string RawStatus { get; }
    }

    /// <summary>An ongoing incident PostHog has declared.</summary>
    public sealed class PostHogStatusIncident
    {
        public PostHogStatusIncident(
            string id,
            string name,
            string status,
            ServiceState impact,
            string rawImpact,
            DateTimeOffset? startedAt,
            DateTimeOffset? updatedAt,
            string? url,
            IReadOnlyList<string> affectedComponents,
            IReadOnlyList<PostHogRegion> regions)
        {
            Id = id;
            Name = name;
            Status = status;
            Impact = impact;
            RawImpact = rawImpact;
            StartedAt = startedAt;
            UpdatedAt = updatedAt;
            Url = url;
            AffectedComponents = affectedComponents;
            Regions = regions;
        }

        public string Id { get; }

        public string Name { get; }

        /// <summary>The provider's incident status (investigating, identified, monitoring, ...).</summary>
        public string Status { get; }

        public ServiceState Impact { get; }

        public string RawImpact { get; }

        public DateTimeOffset? StartedAt { get; }

        public DateTimeOffset? UpdatedAt { get; }

        public string? Url { get; }

        /// <summary>Names of the components it touches, "Group / Name" where grouped.</summary>
        public IReadOnlyList<string> AffectedComponents { get; }

        /// <summary>The regions it touches; All when it names no regional component.</summary>
        public IReadOnlyList<PostHogRegion> Regions { get; }
    }

    /// <summary>A maintenance window, in progress or scheduled.</summary>
    public sealed class PostHogMaintenance
    {
        public PostHogMaintenance(
            string id,
            string name,
            string status,
            DateTimeOffset? startsAt,
            DateTimeOffset? endsAt,
            string? url,
            IReadOnlyList<string> affectedComponents,
            IReadOnlyList<PostHogRegion> regions)
        {
            Id = id;
            Name = name;
            Status = status;
            StartsAt = startsAt;
            EndsAt = endsAt;
            Url = url;
            AffectedComponents = affectedComponents;
            Regions = regions;
        }

        public string Id { get; }

        public string Name { get; }

        public string Status { get; }

        public DateTimeOffset? StartsAt { get; }

        public DateTimeOffset? EndsAt { get; }

        public string? Url { get; }

        public IReadOnlyList<string> AffectedComponents { get; }

        public IReadOnlyList<PostHogRegion> Regions { get; }
    }
}
