using System.Text.Json.Nodes;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.StatusPage
{
    /// <summary>
    /// The incident.io generation (www.posthogstatus.com): the public widget API's GET /api/v1/summary.
    /// </summary>
    static class IncidentIoSummary
    {
        public static JsonObject Render(StatusPageState state, string pageUrl) => new()
        {
            ["page_title"] = "PostHog",
            ["page_url"] = pageUrl,
            ["ongoing_incidents"] = new JsonArray(state.Incidents.Select(e => (JsonNode)Incident(e, pageUrl)).ToArray()),
            ["in_progress_maintenances"] = new JsonArray(state.MaintenancesInProgress.Select(e => (JsonNode)MaintenanceInProgress(e, pageUrl)).ToArray()),
            ["scheduled_maintenances"] = new JsonArray(state.MaintenancesScheduled.Select(e => (JsonNode)MaintenanceScheduled(e, pageUrl)).ToArray()),
        };

        static JsonObject Incident(StatusEvent incident, string pageUrl)
        {
            var json = Common(incident, pageUrl, "/incidents/", incident.Stage);
            json["started_at"] = LabResponses.Iso(incident.StartsAt);
            json["current_worst_impact"] = Impact(incident.Impact);
            return json;
        }

        static JsonObject MaintenanceInProgress(StatusEvent maintenance, string pageUrl)
        {
            var json = Common(maintenance, pageUrl, "/maintenances/", "maintenance_in_progress");
            json["started_at"] = LabResponses.Iso(maintenance.StartsAt);
            json["scheduled_end_at"] = maintenance.EndsAt is { } end ? LabResponses.Iso(end) : null;
            return json;
        }

        static JsonObject MaintenanceScheduled(StatusEvent maintenance, string pageUrl)
        {
            var json = Common(maintenance, pageUrl, "/maintenances/", "maintenance_scheduled");
            json["starts_at"] = LabResponses.Iso(maintenance.StartsAt);
            json["ends_at"] = maintenance.EndsAt is { } end ? LabResponses.Iso(end) : null;
            return json;
        }

        static JsonObject Common(StatusEvent e, string pageUrl, string kindPath, string status) => new()
        {
            ["id"] = e.IncidentIoId,
            ["name"] = e.Name,
            ["status"] = status,
            ["url"] = pageUrl + kindPath + e.IncidentIoId,
            ["last_update_at"] = LabResponses.Iso(e.LastUpdateAt),
            ["last_update_message"] = e.LastUpdateMessage,
            ["affected_components"] = new JsonArray(e.Affected.Select(a => (JsonNode)Affected(a)).ToArray()),
        };

        static JsonObject Affected(AffectedComponent affected)
        {
            var json = new JsonObject
            {
                ["id"] = affected.Component.IncidentIoId,
                ["name"] = affected.Component.Name,
            };
            if (affected.Component.Group is { } group)
            {
                json["group_name"] = group;
            }

            json["current_status"] = ComponentStatus(affected.Health);
            return json;
        }

        static string ComponentStatus(ComponentHealth health) => health switch
        {
            ComponentHealth.Operational => "operational",
            ComponentHealth.UnderMaintenance => "under_maintenance",
            ComponentHealth.DegradedPerformance => "degraded_performance",
            ComponentHealth.PartialOutage => "partial_outage",
            ComponentHealth.FullOutage => "full_outage",
            _ => "sparkly_degradation",
        };

        static string Impact(ComponentHealth health) => health switch
        {
            ComponentHealth.DegradedPerformance => "degraded_performance",
            ComponentHealth.PartialOutage => "partial_outage",
            ComponentHealth.FullOutage => "full_outage",
            ComponentHealth.Novel => "catastrophic_outage",
            _ => "degraded_performance", // incidents carry an impact; maintenance is never rendered as an incident
        };
    }
}
