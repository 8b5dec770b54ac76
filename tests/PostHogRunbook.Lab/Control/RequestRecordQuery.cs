using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.Control
{
    /// <summary>
    /// GET /_lab/requests, optionally filtered: ?part=kubernetes (one part), ?verb=patch,update (Kubernetes verbs),
    /// ?writes=true (the Kubernetes requests that asked to change the cluster: create, update, patch, delete,
    /// deletecollection, dry runs left out, whatever the answer was, so a refused write is there with its 403).
    /// "No write happened" is an empty answer to ?writes=true.
    /// </summary>
    static class RequestRecordQuery
    {
        public static Task WriteAsync(HttpContext http, LabContext context)
        {
            var query = http.Request.Query;
            IEnumerable<RequestRecord> records = context.Requests;
            var part = query["part"].ToString();
            if (part.Length > 0)
            {
                records = records.Where(r => string.Equals(r.Part, part, StringComparison.OrdinalIgnoreCase));
            }

            var verbs = query["verb"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (verbs.Length > 0)
            {
                records = records.Where(r => r.Verb is not null && verbs.Contains(r.Verb, StringComparer.OrdinalIgnoreCase));
            }

            if (query["writes"].ToString() is "true" or "1")
            {
                records = records.Where(IsWrite);
            }

            return http.WriteTextAsync(StatusCodes.Status200OK, LabResponses.Json, JsonSerializer.Serialize(records.ToArray(), LabResponses.JsonOptions));
        }

        static bool IsWrite(RequestRecord record) =>
            record.Resource is not null
            && Kubernetes.RequestAttributes.IsWriteVerb(record.Verb)
            && !record.Query.Split('&').Any(p => p.StartsWith("dryRun=", StringComparison.Ordinal));
    }
}
