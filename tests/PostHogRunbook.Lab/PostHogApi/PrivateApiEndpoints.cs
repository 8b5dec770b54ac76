using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.PostHogApi
{
    /// <summary>The private API, for a personal key (Authorization: Bearer phx_...): who am I, and which project.</summary>
    static class PrivateApiEndpoints
    {
        const string OrganizationId = "018f0000-1ab0-7000-8000-000000000001";

        public static void Map(IEndpointRouteBuilder routes)
        {
            routes.MapGet("/api/users/@me", http => AnswerAsync(http, User));
            routes.MapGet("/api/projects/@current", http => AnswerAsync(http, Project));
        }

        static Task AnswerAsync(HttpContext http, Func<JsonObject> body)
        {
            var authorization = http.Request.Headers.Authorization.ToString();
            return authorization == "Bearer " + LabKeys.Personal
                ? http.WriteJsonAsync(StatusCodes.Status200OK, body())
                : PostHogErrors.InvalidPersonalKeyAsync(http);
        }

        static JsonObject User() => new()
        {
            ["uuid"] = "018f0000-1ab0-7000-8000-00000000a11c",
            ["distinct_id"] = "lab-sre",
            ["first_name"] = "Lab",
            ["last_name"] = "SRE",
            ["email"] = "sre@lab.example",
            ["is_staff"] = false,
            ["organization"] = new JsonObject { ["id"] = OrganizationId, ["name"] = "Lab organization" },
            ["team"] = Project(),
        };

        static JsonObject Project() => new()
        {
            ["id"] = 1,
            ["uuid"] = "018f0000-1ab0-7000-8000-0000000000b1",
            ["organization"] = OrganizationId,
            ["name"] = "Lab project",
            ["api_token"] = LabKeys.Good,
            ["timezone"] = "UTC",
        };
    }
}
