using Microsoft.AspNetCore.Http;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.StatusPage
{
    /// <summary>
    /// The ways a status page fails, on every path of either generation: what a client meets when a captive portal,
    /// a CDN or a half-dead origin sits between it and the page.
    /// </summary>
    static class StatusPageFaults
    {
        const string HtmlPage =
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>PostHog Status</title></head>\n" +
            "<body><div id=\"root\">Loading PostHog Status&hellip;</div><script src=\"/static/app.js\"></script></body>\n</html>\n";

        const string BadGatewayPage =
            "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n" +
            "<hr><center>cloudflare</center>\n</body>\n</html>\n";

        /// <summary>Answers the request and returns true when the behaviour is a fault; false lets the page answer.</summary>
        public static async Task<bool> TryAnswerAsync(HttpContext context, StatusPageBehaviour behaviour, string truncatedJson)
        {
            switch (behaviour)
            {
                case StatusPageBehaviour.Html:
                    await context.WriteTextAsync(StatusCodes.Status200OK, LabResponses.Html, HtmlPage);
                    return true;
                case StatusPageBehaviour.MalformedJson:
                    await context.WriteTextAsync(StatusCodes.Status200OK, LabResponses.Json, truncatedJson);
                    return true;
                case StatusPageBehaviour.ServerError:
                    await context.WriteTextAsync(StatusCodes.Status502BadGateway, LabResponses.Html, BadGatewayPage);
                    return true;
                case StatusPageBehaviour.Hang:
                    await LabRequestTime.NeverAnswerAsync(context);
                    return true;
                default:
                    return false;
            }
        }
    }
}
