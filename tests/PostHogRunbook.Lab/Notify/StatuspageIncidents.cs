using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.Notify
{
    /// <summary>
    /// Our Statuspage's incidents API: POST creates (201, the incident), PATCH updates (200), both with
    /// Authorization: OAuth key; 401 {"error":"Could not authenticate"}, 404 {"error":"Not found"} for an unknown page
    /// or incident, 422 {"error":["Name can't be blank"]} for a create without a name.
    /// </summary>
    static class StatuspageIncidents
    {
        public const string PageId = "labpage0001";
        public const string ComponentId = "labcomp0001";
        public const string ApiKey = "lab-statuspage-api-key-0123456789abcdef";

        static readonly string[] Statuses = { "investigating", "identified", "monitoring", "resolved", "scheduled", "in_progress", "verifying", "completed" };

        public static Task CreateAsync(HttpContext http, string body, NotifyState state)
        {
            if (Refused(http) is { } refused)
            {
                return refused;
            }

            var incident = NotifyPart.ParseObject(body)?["incident"] as JsonObject;
            var name = (string?)incident?["name"];
            var errors = new List<string>();
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add("Name can't be blank");
            }

            var status = (string?)incident?["status"] ?? "investigating";
            if (!Statuses.Contains(status))
            {
                errors.Add("Status is not included in the list");
            }

            if (errors.Count > 0)
            {
                return http.WriteJsonAsync(StatusCodes.Status422UnprocessableEntity, new JsonObject { ["error"] = new JsonArray(errors.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()) });
            }

            var now = DateTimeOffset.UtcNow;
            var created = new LabStatusPageIncident
            {
                Id = "inc" + Guid.NewGuid().ToString("N")[..10],
                PageId = PageId,
                Name = name!,
                Status = status,
                Impact = (string?)incident?["impact_override"] ?? "none",
                CreatedAt = now,
                UpdatedAt = now,
            };
            Apply(created, incident!, now);
            state.Incidents[created.Id] = created;
            return http.WriteJsonAsync(StatusCodes.Status201Created, Describe(created));
        }

        public static Task UpdateAsync(HttpContext http, string body, NotifyState state)
        {
            if (Refused(http) is { } refused)
            {
                return refused;
            }

            if (!state.Incidents.TryGetValue(NotifyPart.RouteValue(http, "id"), out var existing))
            {
                return NotFound(http);
            }

            var incident = NotifyPart.ParseObject(body)?["incident"] as JsonObject;
            if (incident is null)
            {
                return http.WriteJsonAsync(StatusCodes.Status400BadRequest, new JsonObject { ["error"] = "incident is missing" });
            }

            var status = (string?)incident["status"];
            if (status is not null && !Statuses.Contains(status))
            {
                return http.WriteJsonAsync(StatusCodes.Status422UnprocessableEntity, new JsonObject { ["error"] = new JsonArray("Status is not included in the list") });
            }

            lock (existing)
            {
                var now = DateTimeOffset.UtcNow;
                existing.Status = status ?? existing.Status;
                existing.Name = (string?)incident["name"] ?? existing.Name;
                existing.UpdatedAt = now;
                Apply(existing, incident, now);
            }

            return http.WriteJsonAsync(StatusCodes.Status200OK, Describe(existing));
        }

        public static Task ListAsync(HttpContext http, NotifyState state)
        {
            if (Refused(http) is { } refused)
            {
                return refused;
            }

            var list = state.Incidents.Values.OrderByDescending(i => i.CreatedAt).Select(i => (JsonNode)Describe(i)).ToArray();
            return http.WriteJsonAsync(StatusCodes.Status200OK, new JsonArray(list));
        }

        static void Apply(LabStatusPageIncident target, JsonObject incident, DateTimeOffset now)
        {
            if ((string?)incident["body"] is { } text)
            {
                target.Updates.Add((now, target.Status, text));
            }

            if (incident["components"] is JsonObject components)
            {
                foreach (var (id, value) in components)
                {
                    target.Components[id] = (string?)value ?? "operational";
                }
            }
        }

        static Task? Refused(HttpContext http)
        {
            var authorization = http.Request.Headers.Authorization.ToString();
            if (!string.Equals(authorization, "OAuth " + ApiKey, StringComparison.Ordinal))
            {
                return http.WriteJsonAsync(StatusCodes.Status401Unauthorized, new JsonObject { ["error"] = "Could not authenticate" });
            }

            return NotifyPart.RouteValue(http, "page") == PageId ? null : NotFound(http);
        }

        static Task NotFound(HttpContext http) => http.WriteJsonAsync(StatusCodes.Status404NotFound, new JsonObject { ["error"] = "Not found" });

        static JsonObject Describe(LabStatusPageIncident incident) => new()
        {
            ["id"] = incident.Id,
            ["page_id"] = incident.PageId,
            ["name"] = incident.Name,
            ["status"] = incident.Status,
            ["impact"] = incident.Impact,
            ["shortlink"] = "https://stspg.io/" + incident.Id,
            ["created_at"] = LabResponses.Iso(incident.CreatedAt),
            ["updated_at"] = LabResponses.Iso(incident.UpdatedAt),
            ["resolved_at"] = incident.Status == "resolved" ? LabResponses.Iso(incident.UpdatedAt) : null,
            ["incident_updates"] = new JsonArray(incident.Updates.AsEnumerable().Reverse().Select(u => (JsonNode)new JsonObject
            {
                ["status"] = u.Status,
                ["body"] = u.Body,
                ["created_at"] = LabResponses.Iso(u.At),
            }).ToArray()),
            ["components"] = new JsonArray(incident.Components.Select(c => (JsonNode)new JsonObject { ["id"] = c.Key, ["status"] = c.Value }).ToArray()),
        };
    }
}
