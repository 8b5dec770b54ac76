namespace PostHogRunbook.Lab.StatusPage
{
    /// <summary>
    /// What the status page declares in each scenario behaviour. Times hang off the moment the scenario started, so
    /// that an incident keeps its timestamps from one request to the next.
    /// </summary>
    static class DeclaredStatus
    {
        public static StatusPageState For(StatusPageBehaviour behaviour, DateTimeOffset scenarioStartedAt)
        {
            var events = new List<StatusEvent>();
            var current = Current(behaviour, scenarioStartedAt);
            if (current is not null)
            {
                events.Add(current);
            }

            events.Add(UpcomingMaintenance(scenarioStartedAt));
            return new StatusPageState(events, scenarioStartedAt);
        }

        static StatusEvent? Current(StatusPageBehaviour behaviour, DateTimeOffset started) => behaviour switch
        {
            StatusPageBehaviour.UsIncident => IngestionOutage(StatusComponents.UsCloud, StatusComponents.UsIngestion, StatusComponents.UsFeatureFlags, started),
            StatusPageBehaviour.EuIncident => IngestionOutage(StatusComponents.EuCloud, StatusComponents.EuIngestion, StatusComponents.EuFeatureFlags, started),
            StatusPageBehaviour.UsMaintenance => new StatusEvent(
                "us-ingestion-maintenance",
                StatusEventKind.MaintenanceInProgress,
                "Event ingestion database maintenance in US Cloud",
                "in_progress",
                ComponentHealth.UnderMaintenance,
                new[] { new AffectedComponent(StatusComponents.UsIngestion, ComponentHealth.UnderMaintenance) },
                started.AddMinutes(-20),
                started.AddMinutes(100),
                started.AddMinutes(-20),
                "Maintenance is in progress. Event ingestion may be delayed and some requests may fail."),
            StatusPageBehaviour.UsRateLimitIncident => new StatusEvent(
                "us-ingestion-429",
                StatusEventKind.Incident,
                "Elevated 429 responses on event ingestion in US Cloud",
                "investigating",
                ComponentHealth.DegradedPerformance,
                new[] { new AffectedComponent(StatusComponents.UsIngestion, ComponentHealth.DegradedPerformance) },
                started.AddMinutes(-8),
                null,
                started.AddMinutes(-3),
                "We are seeing elevated 429 (rate limited) responses on event ingestion and are investigating."),
            StatusPageBehaviour.NovelValues => new StatusEvent(
                "us-novel",
                StatusEventKind.Incident,
                "Event ingestion in US Cloud is doing something new",
                "monitoring",
                ComponentHealth.Novel,
                new[] { new AffectedComponent(StatusComponents.UsIngestion, ComponentHealth.Novel) },
                started.AddMinutes(-15),
                null,
                started.AddMinutes(-1),
                "A fix has been deployed and we are monitoring the results."),
            _ => null,
        };

        static StatusEvent IngestionOutage(string region, StatusComponent ingestion, StatusComponent flags, DateTimeOffset started) => new(
            "ingestion-outage/" + region,
            StatusEventKind.Incident,
            "Event ingestion unavailable in " + region,
            "identified",
            ComponentHealth.FullOutage,
            new[] { new AffectedComponent(ingestion, ComponentHealth.FullOutage), new AffectedComponent(flags, ComponentHealth.FullOutage) },
            started.AddMinutes(-12),
            null,
            started.AddMinutes(-2),
            "We have identified the cause: event ingestion and feature flag evaluation are unavailable. A fix is being rolled out.");

        /// <summary>Always on the page, in every scenario, so that clients meet a non-empty scheduled list.</summary>
        static StatusEvent UpcomingMaintenance(DateTimeOffset started)
        {
            var startsAt = new DateTimeOffset(started.UtcDateTime.Date, TimeSpan.Zero).AddDays(3).AddHours(2);
            return new StatusEvent(
                "scheduled-query-engine-upgrade",
                StatusEventKind.MaintenanceScheduled,
                "Query engine upgrade in EU Cloud",
                "scheduled",
                ComponentHealth.UnderMaintenance,
                new[] { new AffectedComponent(StatusComponents.EuQueryEngine, ComponentHealth.UnderMaintenance) },
                startsAt,
                startsAt.AddHours(2),
                started.AddDays(-1),
                "Queries in EU Cloud may be slower during the upgrade; ingestion is not affected.");
        }
    }
}
