namespace PostHogRunbook.Lab.StatusPage
{
    /// <summary>What PostHog's status page declares at one moment: its incidents and maintenances.</summary>
    sealed class StatusPageState
    {
        public StatusPageState(IReadOnlyList<StatusEvent> events, DateTimeOffset changedAt)
        {
            Events = events;
            ChangedAt = changedAt;
        }

        /// <summary>When the declared state last changed (the scenario's start): components' updated_at.</summary>
        public DateTimeOffset ChangedAt { get; }

        public IReadOnlyList<StatusEvent> Events { get; }

        public IEnumerable<StatusEvent> Incidents => Events.Where(e => e.Kind == StatusEventKind.Incident);

        public IEnumerable<StatusEvent> MaintenancesInProgress => Events.Where(e => e.Kind == StatusEventKind.MaintenanceInProgress);

        public IEnumerable<StatusEvent> MaintenancesScheduled => Events.Where(e => e.Kind == StatusEventKind.MaintenanceScheduled);

        /// <summary>A component's current state: the worst that an ongoing incident or maintenance gives it.</summary>
        public ComponentHealth HealthOf(StatusComponent component)
        {
            var worst = ComponentHealth.Operational;
            foreach (var ongoing in Events.Where(e => e.Kind != StatusEventKind.MaintenanceScheduled))
            {
                foreach (var affected in ongoing.Affected.Where(a => a.Component == component && a.Health > worst))
                {
                    worst = affected.Health;
                }
            }

            return worst;
        }
    }
}
