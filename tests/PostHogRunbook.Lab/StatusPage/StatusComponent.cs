namespace PostHogRunbook.Lab.StatusPage
{
    /// <summary>One component of PostHog's status page; Group is "US Cloud", "EU Cloud", or null (ungrouped).</summary>
    sealed record StatusComponent(string Name, string? Group)
    {
        public string IncidentIoId => StatusPageIds.IncidentIo("component/" + Group + "/" + Name);

        public string StatuspageId => StatusPageIds.Statuspage("component/" + Group + "/" + Name);
    }

    /// <summary>The components, the same in both generations: four services per region, plus the website.</summary>
    static class StatusComponents
    {
        public const string UsCloud = "US Cloud";
        public const string EuCloud = "EU Cloud";

        public static readonly IReadOnlyList<string> Groups = new[] { UsCloud, EuCloud };

        public static readonly StatusComponent UsApp = new("App", UsCloud);
        public static readonly StatusComponent UsIngestion = new("Event ingestion", UsCloud);
        public static readonly StatusComponent UsFeatureFlags = new("Feature flags", UsCloud);
        public static readonly StatusComponent UsQueryEngine = new("Query engine", UsCloud);
        public static readonly StatusComponent EuApp = new("App", EuCloud);
        public static readonly StatusComponent EuIngestion = new("Event ingestion", EuCloud);
        public static readonly StatusComponent EuFeatureFlags = new("Feature flags", EuCloud);
        public static readonly StatusComponent EuQueryEngine = new("Query engine", EuCloud);
        public static readonly StatusComponent Website = new("Website", null);

        /// <summary>In page order.</summary>
        public static readonly IReadOnlyList<StatusComponent> All = new[]
        {
            UsApp, UsIngestion, UsFeatureFlags, UsQueryEngine,
            EuApp, EuIngestion, EuFeatureFlags, EuQueryEngine,
            Website,
        };
    }
}
