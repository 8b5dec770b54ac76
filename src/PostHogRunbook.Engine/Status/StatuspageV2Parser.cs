using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Status
{
    /// <summary>
    /// Atlassian Statuspage v2 (<c>/api/v2/summary.json</c>, or <c>status.json</c> which has only the indicator).
    /// Components name their group by id; groups are components themselves with <c>group: true</c>.
    /// </summary>
    internal static class StatuspageV2Parser
    {
        static readonly string[] FinishedIncident = { "resolved", "postmortem", "completed" };

        public static bool Recognizes(JObject document)
            => (document["status"] as JObject)?.ContainsKey("indicator") == true
               || (JsonRead.Has(document, "page") && (JsonRead.Has(document, "components") || JsonRead.Has(document, "incidents")));

        public static StatusDocument Parse(JObject document)
        {
            var all = JsonRead.Objects(document, "components").ToList();
            var groupNames = all
                .Where(c => c["group"]?.Type == JTokenType.Boolean && (bool)c["group"]!)
                .Select(c => (Id: JsonRead.String(c, "id"), Name: JsonRead.String(c, "name")))
                .Where(g => g.Id != null)
                .ToDictionary(g => g.Id!, g => g.Name, StringComparer.Ordinal);

            var byId = new Dictionary<string, PostHogComponentStatus>(StringComparer.Ordinal);
            var components = new List<PostHogComponentStatus>();
            foreach (var component in all)
            {
                var id = JsonRead.String(component, "id");
                if (id != null && groupNames.ContainsKey(id))
                {
                    continue;
                }

                var groupId = JsonRead.String(component, "group_id");
                var group = groupId != null && groupNames.TryGetValue(groupId, out var groupName) ? groupName : null;
                var raw = JsonRead.String(component, "status") ?? string.Empty;
                var status = new PostHogComponentStatus(JsonRead.String(component, "name") ?? "(unnamed component)", group, StatusStates.RegionOfGroup(group), StatusStates.FromComponentStatus(raw), raw);
                components.Add(status);
                if (id != null)
                {
                    byId[id] = status;
                }
            }

            var incidents = JsonRead.Objects(document, "incidents")
                .Where(i => !FinishedIncident.Contains(JsonRead.String(i, "status")?.ToLowerInvariant()))
                .Select(i => ParseIncident(i, byId))
                .ToList();

            var maintenances = JsonRead.Objects(document, "scheduled_maintenances")
                .Where(m => !FinishedIncident.Contains(JsonRead.String(m, "status")?.ToLowerInvariant()))
                .Select(m => (Status: JsonRead.String(m, "status")?.ToLowerInvariant(), Maintenance: ParseMaintenance(m, byId)))
                .ToList();

            var indicator = JsonRead.String(document["status"], "indicator");
            return new StatusDocument(
                StatusPageProvider.StatuspageV2,
                components,
                incidents,
                maintenances.Where(m => m.Status is "in_progress" or "verifying").Select(m => m.Maintenance).ToList(),
                maintenances.Where(m => m.Status is not ("in_progress" or "verifying")).Select(m => m.Maintenance).ToList(),
                indicator == null ? null : StatusStates.FromImpact(indicator));
        }

        static readonly string[] StartedFields = { "started_at", "created_at" };
        static readonly string[] UpdatedFields = { "updated_at" };

        static PostHogStatusIncident ParseIncident(JObject incident, Dictionary<string, PostHogComponentStatus> byId)
        {
            var affected = Affected(incident, byId);
            return IncidentIoParser.Incident(incident, affected, "impact", "shortlink", StartedFields, UpdatedFields);
        }

        static PostHogMaintenance ParseMaintenance(JObject maintenance, Dictionary<string, PostHogComponentStatus> byId)
        {
            var affected = Affected(maintenance, byId);
            return new PostHogMaintenance(
                JsonRead.String(maintenance, "id") ?? string.Empty,
                JsonRead.String(maintenance, "name") ?? "(unnamed maintenance)",
                JsonRead.String(maintenance, "status") ?? string.Empty,
                JsonRead.Date(maintenance, "scheduled_for", "started_at"),
                JsonRead.Date(maintenance, "scheduled_until"),
                JsonRead.String(maintenance, "shortlink"),
                affected.Select(IncidentIoParser.Label).ToList(),
                IncidentIoParser.Regions(affected));
        }

        // An incident's components carry their own status and group_id; prefer the page's own entry for the group.
        static List<PostHogComponentStatus> Affected(JObject owner, Dictionary<string, PostHogComponentStatus> byId)
        {
            var affected = new List<PostHogComponentStatus>();
            foreach (var component in JsonRead.Objects(owner, "components"))
            {
                var id = JsonRead.String(component, "id");
                if (id != null && byId.TryGetValue(id, out var known))
                {
                    affected.Add(known);
                    continue;
                }

                var raw = JsonRead.String(component, "status") ?? string.Empty;
                affected.Add(new PostHogComponentStatus(JsonRead.String(component, "name") ?? "(unnamed component)", null, PostHogRegion.All, StatusStates.FromComponentStatus(raw), raw));
            }

            return affected;
        }
    }
}
