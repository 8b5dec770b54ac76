using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.Notify
{
    /// <summary>
    /// The three services the runbook notifies, on one port: a Slack incoming webhook (POST /services/...), PagerDuty's
    /// Events API v2 (POST /v2/enqueue) and a Statuspage (/v1/pages/{page_id}/incidents), each answering as the real one
    /// does, its documented error bodies included. Its own handle, under /_notify: the requests received with their
    /// bodies (GET, DELETE /_notify/requests?service=slack) and planned answers (POST /_notify/faults: the next requests
    /// to a service get a 429 with Retry-After, a 503, a 400...).
    /// </summary>
    static class NotifyPart
    {
        public const string Name = "notify";

        public static void Map(WebApplication app, NotifyState state)
        {
            app.MapPost("/services/{*path}", http => HandleAsync(http, state, NotifyState.Slack, SlackWebhook.AnswerAsync));
            app.MapPost("/v2/enqueue", http => HandleAsync(http, state, NotifyState.PagerDuty, PagerDutyEvents.AnswerAsync));
            app.MapPost("/v1/pages/{page}/incidents", http => HandleAsync(http, state, NotifyState.StatusPage, (h, body) => StatuspageIncidents.CreateAsync(h, body, state)));
            app.MapMethods("/v1/pages/{page}/incidents/{id}", new[] { HttpMethods.Patch, HttpMethods.Put }, http => HandleAsync(http, state, NotifyState.StatusPage, (h, body) => StatuspageIncidents.UpdateAsync(h, body, state)));
            app.MapGet("/v1/pages/{page}/incidents", http => StatuspageIncidents.ListAsync(http, state));

            app.MapGet("/_notify/requests", http =>
            {
                var service = http.Request.Query["service"].ToString();
                var records = state.Requests.Where(r => service.Length == 0 || string.Equals(r.Service, service, StringComparison.OrdinalIgnoreCase)).ToArray();
                return http.WriteTextAsync(StatusCodes.Status200OK, LabResponses.Json, JsonSerializer.Serialize(records, LabResponses.JsonOptions));
            });
            app.MapDelete("/_notify/requests", http =>
            {
                state.Clear();
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
            });
            app.MapPost("/_notify/faults", async http =>
            {
                var fault = await JsonSerializer.DeserializeAsync<NotifyFault>(http.Request.Body, LabResponses.JsonOptions, http.RequestAborted);
                if (fault is null || string.IsNullOrEmpty(fault.Service))
                {
                    await http.WriteJsonAsync(StatusCodes.Status400BadRequest, new JsonObject { ["error"] = "A fault is {service, status, body, retryAfterSeconds, times}." });
                    return;
                }

                state.Plan(fault with { Times = Math.Max(1, fault.Times) });
                http.Response.StatusCode = StatusCodes.Status204NoContent;
            });
        }

        /// <summary>Reads the body, answers with a planned fault or the service's own answer, and records both.</summary>
        static async Task HandleAsync(HttpContext http, NotifyState state, string service, Func<HttpContext, string, Task> answer)
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            var hadCredential = http.Request.Headers.Authorization.Count > 0 || body.Contains("routing_key", StringComparison.Ordinal);
            try
            {
                if (state.TakeFault(service) is { } fault)
                {
                    if (fault.RetryAfterSeconds is { } seconds)
                    {
                        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    var contentType = fault.Body.TrimStart().StartsWith('{') ? LabResponses.Json : LabResponses.Text;
                    await http.WriteTextAsync(fault.Status, contentType, fault.Body);
                    return;
                }

                await answer(http, body);
            }
            finally
            {
                var path = (http.Request.PathBase + http.Request.Path).Value ?? "/";
                state.Record(new NotifyRequest(DateTimeOffset.UtcNow, service, http.Request.Method, path, http.Response.StatusCode, body, hadCredential));
            }
        }

        public static string RouteValue(HttpContext http, string name) => http.Request.RouteValues[name]?.ToString() ?? string.Empty;

        public static JsonObject? ParseObject(string body)
        {
            try
            {
                return JsonNode.Parse(body) as JsonObject;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
