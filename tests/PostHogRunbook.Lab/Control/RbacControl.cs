using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.Control
{
    /// <summary>
    /// /_lab/rbac: which Roles the Kubernetes API enforces for the lab's user. PUT with Role or ClusterRole
    /// manifests as the body (YAML, one or several documents, or JSON; ?user=NAME names the user in refusals,
    /// else lab-user) enforces exactly them from the next request on; DELETE goes back to allowing everything;
    /// GET shows what is enforced. A body that holds no valid Role is a 400 that says why, and changes nothing.
    /// </summary>
    static class RbacControl
    {
        const int MaxBodyBytes = 1024 * 1024;

        public static void Map(WebApplication app, LabContext context)
        {
            app.MapGet("/_lab/rbac", http => http.WriteJsonAsync(StatusCodes.Status200OK, context.Rbac.Describe()));
            app.MapPut("/_lab/rbac", http => EnforceAsync(http, context));
            app.MapDelete("/_lab/rbac", http =>
            {
                context.Rbac.AllowAll();
                return http.WriteJsonAsync(StatusCodes.Status200OK, context.Rbac.Describe());
            });
        }

        static async Task EnforceAsync(HttpContext http, LabContext context)
        {
            string body;
            using (var reader = new StreamReader(http.Request.Body, Encoding.UTF8))
            {
                var buffer = new char[MaxBodyBytes + 1];
                var read = await reader.ReadBlockAsync(buffer, http.RequestAborted);
                if (read > MaxBodyBytes)
                {
                    await http.WriteJsonAsync(StatusCodes.Status413PayloadTooLarge, new JsonObject { ["error"] = $"Role documents are at most {MaxBodyBytes} characters." });
                    return;
                }

                body = new string(buffer, 0, read);
            }

            try
            {
                context.Rbac.Enforce(body, http.Request.Query["user"].ToString(), "the request body");
            }
            catch (FormatException e)
            {
                await http.WriteJsonAsync(StatusCodes.Status400BadRequest, new JsonObject { ["error"] = e.Message });
                return;
            }

            await http.WriteJsonAsync(StatusCodes.Status200OK, context.Rbac.Describe());
        }
    }
}
