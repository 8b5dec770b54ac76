using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PostHogRunbook.Lab.Hosting;
using PostHogRunbook.Lab.PostHogApi;

namespace PostHogRunbook.Lab.Control
{
    /// <summary>
    /// The test harness's handle on the lab, under /_lab: switch the scenario or the latency while clients run, read
    /// (or clear) the record of requests (RequestRecordQuery), manage the project keys that /flags accepts, and
    /// choose the RBAC Roles the Kubernetes API enforces (RbacControl).
    /// </summary>
    static class ControlApi
    {
        public const string Name = "control";

        public static void Map(WebApplication app, LabContext context, ProjectKeyRegistry keys)
        {
            app.MapGet("/_lab/scenario", http => http.WriteJsonAsync(StatusCodes.Status200OK, Describe(context.Scenario, context)));
            app.MapGet("/_lab/scenarios", http => http.WriteJsonAsync(
                StatusCodes.Status200OK, new JsonArray(LabScenario.All.Select(s => (JsonNode)Describe(s, null)).ToArray())));
            app.MapMethods("/_lab/scenario/{name}", new[] { HttpMethods.Put, HttpMethods.Post }, http => SwitchScenarioAsync(http, context));

            app.MapPut("/_lab/latency/{ms}", http => SetLatencyAsync(http, context));

            app.MapGet("/_lab/requests", http => RequestRecordQuery.WriteAsync(http, context));
            app.MapDelete("/_lab/requests", http =>
            {
                context.ClearRequests();
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
            });

            app.MapGet("/_lab/keys", http => WriteKeysAsync(http, StatusCodes.Status200OK, keys));
            app.MapPost("/_lab/keys/{key}", http =>
            {
                var added = keys.Add(RouteValue(http, "key"));
                return WriteKeysAsync(http, added ? StatusCodes.Status201Created : StatusCodes.Status200OK, keys);
            });
            app.MapDelete("/_lab/keys/{key}", http =>
                keys.Remove(RouteValue(http, "key"))
                    ? WriteKeysAsync(http, StatusCodes.Status200OK, keys)
                    : http.WriteJsonAsync(StatusCodes.Status404NotFound, new JsonObject { ["error"] = "No such key." }));

            RbacControl.Map(app, context);
        }

        static Task SwitchScenarioAsync(HttpContext http, LabContext context)
        {
            var name = RouteValue(http, "name");
            if (!LabScenario.All.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                return http.WriteJsonAsync(StatusCodes.Status404NotFound, new JsonObject
                {
                    ["error"] = $"Unknown scenario '{name}'.",
                    ["scenarios"] = new JsonArray(LabScenario.All.Select(s => (JsonNode)JsonValue.Create(s.Name)).ToArray()),
                });
            }

            context.SwitchScenario(name);
            return http.WriteJsonAsync(StatusCodes.Status200OK, Describe(context.Scenario, context));
        }

        static Task SetLatencyAsync(HttpContext http, LabContext context)
        {
            if (!int.TryParse(RouteValue(http, "ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
            {
                return http.WriteJsonAsync(StatusCodes.Status400BadRequest, new JsonObject { ["error"] = "Latency is a whole number of milliseconds, 0 or more." });
            }

            context.LatencyMs = milliseconds;
            return http.WriteJsonAsync(StatusCodes.Status200OK, new JsonObject { ["latencyMs"] = milliseconds });
        }

        static Task WriteKeysAsync(HttpContext http, int status, ProjectKeyRegistry keys) =>
            http.WriteJsonAsync(status, new JsonArray(keys.Keys.Select(k => (JsonNode)JsonValue.Create(k)).ToArray()));

        static string RouteValue(HttpContext http, string name) => http.Request.RouteValues[name]?.ToString() ?? string.Empty;

        /// <summary>A scenario's name, description and behaviours; with the context, also the live latency.</summary>
        static JsonObject Describe(LabScenario scenario, LabContext? context)
        {
            var json = new JsonObject
            {
                ["name"] = scenario.Name,
                ["description"] = scenario.Description,
                ["statusPage"] = scenario.StatusPage.ToString(),
                ["postHogApi"] = scenario.PostHogApi.ToString(),
                ["app"] = scenario.App.ToString(),
            };
            if (context is not null)
            {
                json["latencyMs"] = context.LatencyMs;
                json["startedAt"] = LabResponses.Iso(context.ScenarioStartedAt);
            }

            return json;
        }
    }
}
