namespace PostHogRunbook.Lab.StatusPage
{
    enum StatusEventKind
    {
        Incident,
        MaintenanceInProgress,
        MaintenanceScheduled,
    }

    /// <summary>A component that an incident or maintenance affects, and how.</summary>
    sealed record AffectedComponent(StatusComponent Component, ComponentHealth Health);

    /// <summary>
    /// An incident or maintenance as PostHog declares it, in neither generation's words. Stage is the incident's
    /// progress (investigating, identified, monitoring: the same words in both generations); EndsAt is the
    /// maintenance's scheduled end.
    /// </summary>
    sealed record StatusEvent(
        string Key,
        StatusEventKind Kind,
        string Name,
        string Stage,
        ComponentHealth Impact,
        IReadOnlyList<AffectedComponent> Affected,
        DateTimeOffset StartsAt,
        DateTimeOffset? EndsAt,
        DateTimeOffset LastUpdateAt,
        string LastUpdateMessage)
    {
        public string IncidentIoId => StatusPageIds.IncidentIo("event/" + Key);

        public string StatuspageId => StatusPageIds.Statuspage("event/" + Key);
    }
}
