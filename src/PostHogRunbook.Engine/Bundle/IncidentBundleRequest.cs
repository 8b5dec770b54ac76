using System;
using System.Collections.Generic;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Bundle
{
    /// <summary>
    /// What to bundle: the target's profile, the incident and reports it is evidence of (either may be missing),
    /// where the zip goes, how far back the logs go, the metrics' range, and how many log streams run at once.
    /// </summary>
    public sealed record IncidentBundleRequest(
        RunbookProfile Profile,
        string Path,
        PostHogIncident? Incident,
        IReadOnlyList<TriageReport> Reports,
        TimeSpan? Since,
        TimeSpan MetricsWindow,
        int ThrottleLimit,
        bool Overwrite)
    {
        public static readonly TimeSpan DefaultMetricsWindow = TimeSpan.FromHours(2);

        public const int DefaultThrottleLimit = 8;

        /// <summary>Prometheus refuses a range query of more than 11,000 points; the step keeps a margin below it.</summary>
        public const int MaxPointsPerSeries = 10_000;

        /// <summary>Where the logs begin: -Since ago, else 30 minutes before the incident started, else an hour ago.</summary>
        public DateTimeOffset WindowStart(DateTimeOffset now)
            => Since is { } since ? now - since : Incident != null ? Incident.StartedAt - TimeSpan.FromMinutes(30) : now - TimeSpan.FromHours(1);

        /// <summary>The query_range step: at least 15 s (a usual scrape interval), more when the range needs it.</summary>
        public static TimeSpan MetricsStep(TimeSpan range)
            => TimeSpan.FromSeconds(Math.Max(15, (long)Math.Ceiling(range.TotalSeconds / MaxPointsPerSeries)));
    }

    /// <summary>Where an export is: log streams done of all, and the bytes they carried.</summary>
    public sealed record BundleProgress(int StreamsDone, int StreamsTotal, long LogBytes, string? Last);
}
