using System.Text.Json.Nodes;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.StatusPage
{
    /// <summary>
    /// The Atlassian Statuspage generation (the old status.posthog.com): GET /api/v2/summary.json and /api/v2/status.json.
    /// Regions are group components whose "components" list their children's ids.
    /// </summary>
    static class StatuspageSummary
    {
        const string PageId = "lab0posthog1";
        static readonly DateTimeOffset ComponentsCreatedAt = new(2021, 3, 1, 12, 0, 0, TimeSpan.Zero);

        public static JsonObject RenderSummary(StatusPageState state, string pageUrl, DateTimeOffset now) => new()
        {
            ["page"] = Page(pageUrl, now),
            ["components"] = Components(state),
            ["incidents"] = new JsonArray(state.Incidents.Select(e => (JsonNode)Event(e, state, pageUrl, e.Stage, Impact(e.Impact))).ToArray()),
            ["scheduled_maintenances"] = new JsonArray(
                state.MaintenancesInProgress.Select(e => (JsonNode)Maintenance(e, state, pageUrl, "in_progress"))
                    .Concat(state.MaintenancesScheduled.Select(e => (JsonNode)Maintenance(e, state, pageUrl, "scheduled")))
                    .ToArray()),
            ["status"] = Status(state),
        };

        public static JsonObject RenderStatus(StatusPageState state, string pageUrl, DateTimeOffset now) => new()
        {
            ["page"] = Page(pageUrl, now),
            ["status"] = Status(state),
        };

        static JsonObject Page(string pageUrl, DateTimeOffset now) => new()
        {
            ["id"] = PageId,
            ["name"] = "PostHog",
            ["url"] = pageUrl,
            ["time_zone"] = "Etc/UTC",
            ["updated_at"] = LabResponses.Iso(now),
        };

        /// <summary>A row of the page's component list: a region's group, or a component.</summary>
        sealed record Row(string Id, string Name, string? GroupId, IReadOnlyList<StatusComponent> Members, int Position);

        // The page's layout, in order: each region's group followed by its components, then the ungrouped ones.
        static readonly IReadOnlyList<Row> Layout = BuildLayout();

        static List<Row> BuildLayout()
        {
            var rows = new List<Row>();
            foreach (var group in StatusComponents.Groups)
            {
                var children = StatusComponents.All.Where(c => c.Group == group).ToList();
                rows.Add(new Row(GroupId(group), group, null, children, rows.Count + 1));
                rows.AddRange(children.Select(c => new Row(c.StatuspageId, c.Name, GroupId(group), new[] { c }, rows.Count + 1)));
            }

            rows.AddRange(StatusComponents.All.Where(c => c.Group is null).Select(c => new Row(c.StatuspageId, c.Name, null, new[] { c }, rows.Count + 1)));
            return rows;
        }

        static string GroupId(string group) => StatusPageIds.Statuspage("group/" + group);

        static JsonArray Components(StatusPageState state) =>
            new(Layout.Select(row => (JsonNode)Component(row, state)).ToArray());

        static JsonObject Component(Row row, StatusPageState state)
        {
            var health = row.Members.Max(state.HealthOf);
            var isGroup = row.GroupId is null && row.Members.Count > 1;
            var json = new JsonObject
            {
                ["id"] = row.Id,
                ["name"] = row.Name,
                ["status"] = ComponentStatus(health),
                ["created_at"] = LabResponses.Iso(ComponentsCreatedAt),
                ["updated_at"] = LabResponses.Iso(health == ComponentHealth.Operational ? ComponentsCreatedAt : state.ChangedAt),
                ["position"] = row.Position,
                ["description"] = null,
                ["showcase"] = !isGroup,
                ["start_date"] = null,
                ["group_id"] = row.GroupId,
                ["page_id"] = PageId,
                ["group"] = isGroup,
                ["only_show_if_degraded"] = false,
            };
            if (isGroup)
            {
                json["components"] = new JsonArray(row.Members.Select(c => (JsonNode)JsonValue.Create(c.StatuspageId)).ToArray());
            }

            return json;
        }

        static JsonObject Maintenance(StatusEvent maintenance, StatusPageState state, string pageUrl, string status)
        {
            var json = Event(maintenance, state, pageUrl, status, "maintenance");
            json["scheduled_for"] = LabResponses.Iso(maintenance.StartsAt);
            json["scheduled_until"] = maintenance.EndsAt is { } end ? LabResponses.Iso(end) : null;
            return json;
        }

        static JsonObject Event(StatusEvent e, StatusPageState state, string pageUrl, string status, string impact) => new()
        {
            ["id"] = e.StatuspageId,
            ["name"] = e.Name,
            ["status"] = status,
            ["created_at"] = LabResponses.Iso(e.Kind == StatusEventKind.MaintenanceScheduled ? e.LastUpdateAt : e.StartsAt),
            ["updated_at"] = LabResponses.Iso(e.LastUpdateAt),
            ["monitoring_at"] = null,
            ["resolved_at"] = null,
            ["impact"] = impact,
            ["shortlink"] = "https://stspg.io/" + e.StatuspageId[..6],
            ["started_at"] = LabResponses.Iso(e.StartsAt),
            ["page_id"] = PageId,
            ["incident_updates"] = new JsonArray(new JsonObject
            {
                ["id"] = StatusPageIds.Statuspage("update/" + e.Key),
                ["status"] = status,
                ["body"] = e.LastUpdateMessage,
                ["incident_id"] = e.StatuspageId,
                ["created_at"] = LabResponses.Iso(e.LastUpdateAt),
                ["updated_at"] = LabResponses.Iso(e.LastUpdateAt),
                ["display_at"] = LabResponses.Iso(e.LastUpdateAt),
            }),
            ["components"] = new JsonArray(e.Affected
                .Select(a => (JsonNode)Component(Layout.First(row => row.Id == a.Component.StatuspageId), state))
                .ToArray()),
        };

        static JsonObject Status(StatusPageState state)
        {
            var worst = state.Incidents.Select(i => i.Impact).DefaultIfEmpty(ComponentHealth.Operational).Max();
            var (indicator, description) = worst switch
            {
                ComponentHealth.DegradedPerformance => ("minor", "Minor Service Outage"),
                ComponentHealth.PartialOutage => ("major", "Partial System Outage"),
                ComponentHealth.FullOutage => ("critical", "Major System Outage"),
                ComponentHealth.Novel => ("mega", "Mega Outage"),
                _ when state.MaintenancesInProgress.Any() => ("maintenance", "Service Under Maintenance"),
                _ => ("none", "All Systems Operational"),
            };
            return new JsonObject { ["indicator"] = indicator, ["description"] = description };
        }

        static string ComponentStatus(ComponentHealth health) => health switch
        {
            ComponentHealth.Operational => "operational",
            ComponentHealth.UnderMaintenance => "under_maintenance",
            ComponentHealth.DegradedPerformance => "degraded_performance",
            ComponentHealth.PartialOutage => "partial_outage",
            ComponentHealth.FullOutage => "major_outage",
            _ => "wobbly",
        };

        static string Impact(ComponentHealth health) => health switch
        {
            ComponentHealth.DegradedPerformance => "minor",
            ComponentHealth.PartialOutage => "major",
            ComponentHealth.FullOutage => "critical",
            ComponentHealth.Novel => "apocalyptic",
            _ => "none",
        };
    }
}
