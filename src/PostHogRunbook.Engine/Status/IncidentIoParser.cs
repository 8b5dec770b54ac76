using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Status
{
    /// <summary>
    /// incident.io's public widget API (<c>GET /api/v1/summary</c>): ongoing incidents and maintenances with the
    /// components they affect. It lists no component that is operational, so Components holds only affected ones.
    /// </summary>
    internal static class IncidentIoParser
    {
        // scheduled_maintenances alone proves nothing: Statuspage v2 has a field of that name too.
        public static bool Recognizes(JObject document)
            => JsonRead.Has(document, "ongoing_incidents") || JsonRead.Has(document, "in_progress_maintenances");

        public static StatusDocument Parse(JObject document)
        {
            var components = new Dictionary<(string Name, string? Group), PostHogComponentStatus>();
            var incidents = JsonRead.Objects(document, "ongoing_incidents").Select(incident => ParseIncident(incident, components)).ToList();
            var inProgress = JsonRead.Objects(document, "in_progress_maintenances").Select(m => ParseMaintenance(m, components, collect: true)).ToList();
            var scheduled = JsonRead.Objects(document, "scheduled_maintenances").Select(m => ParseMaintenance(m, components, collect: false)).ToList();
            return new StatusDocument(StatusPageProvider.IncidentIo, components.Values.ToList(), incidents, inProgress, scheduled, declaredOverall: null);
        }

        static readonly string[] StartedFields = { "started_at", "created_at", "last_update_at" };
        static readonly string[] UpdatedFields = { "last_update_at", "updated_at" };

        static PostHogStatusIncident ParseIncident(JObject incident, Dictionary<(string, string?), PostHogComponentStatus> components)
        {
            var affected = ReadAffected(incident, components, collect: true);
            return Incident(incident, affected, "current_worst_impact", "url", StartedFields, UpdatedFields);
        }

        /// <summary>
        /// An incident as both generations write it (id, name, status, an impact, two dates, a link): only the field
        /// names differ, given by the parser.
        /// </summary>
        internal static PostHogStatusIncident Incident(JObject incident, IReadOnlyList<PostHogComponentStatus> affected, string impactField, string urlField, string[] startedFields, string[] updatedFields)
        {
            var rawImpact = JsonRead.String(incident, impactField) ?? string.Empty;
            return new PostHogStatusIncident(
                JsonRead.String(incident, "id") ?? string.Empty,
                JsonRead.String(incident, "name") ?? "(unnamed incident)",
                JsonRead.String(incident, "status") ?? string.Empty,
                StatusStates.FromImpact(rawImpact),
                rawImpact,
                JsonRead.Date(incident, startedFields),
                JsonRead.Date(incident, updatedFields),
                JsonRead.String(incident, urlField),
                affected.Select(Label).ToList(),
                Regions(affected));
        }

        static PostHogMaintenance ParseMaintenance(JObject maintenance, Dictionary<(string, string?), PostHogComponentStatus> components, bool collect)
        {
            var affected = ReadAffected(maintenance, components, collect);
            return new PostHogMaintenance(
                JsonRead.String(maintenance, "id") ?? string.Empty,
                JsonRead.String(maintenance, "name") ?? "(unnamed maintenance)",
                JsonRead.String(maintenance, "status") ?? string.Empty,
                JsonRead.Date(maintenance, "started_at", "starts_at", "scheduled_start_at"),
                JsonRead.Date(maintenance, "scheduled_end_at", "ends_at", "scheduled_end"),
                JsonRead.String(maintenance, "url"),
                affected.Select(c => Label(c)).ToList(),
                Regions(affected));
        }

        static List<PostHogComponentStatus> ReadAffected(JObject owner, Dictionary<(string, string?), PostHogComponentStatus> components, bool collect)
        {
            var affected = new List<PostHogComponentStatus>();
            foreach (var component in JsonRead.Objects(owner, "affected_components"))
            {
                var name = JsonRead.String(component, "name") ?? "(unnamed component)";
                var group = JsonRead.String(component, "group_name");
                var raw = JsonRead.String(component, "current_status") ?? string.Empty;
                var status = new PostHogComponentStatus(name, group, StatusStates.RegionOfGroup(group), StatusStates.FromComponentStatus(raw), raw);
                affected.Add(status);
                if (collect && (!components.TryGetValue((name, group), out var seen) || seen.State < status.State))
                {
                    components[(name, group)] = status;
                }
            }

            return affected;
        }

        internal static string Label(PostHogComponentStatus component)
            => string.IsNullOrEmpty(component.Group) ? component.Name : component.Group + " / " + component.Name;

        internal static IReadOnlyList<PostHogRegion> Regions(IEnumerable<PostHogComponentStatus> components)
            => components.Select(c => c.Region).Distinct().OrderBy(r => r).ToList();
    }
}
