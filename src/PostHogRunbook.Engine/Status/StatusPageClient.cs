using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Http;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Status
{
    /// <summary>
    /// Reads PostHog's status page, whichever generation serves it, and filters it to one region.
    /// Given a site root it asks incident.io's path first, then Statuspage's; given a document URL it reads that.
    /// </summary>
    public sealed class StatusPageClient
    {
        public const string IncidentIoPath = "/api/v1/summary";
        public const string StatuspagePath = "/api/v2/summary.json";

        readonly IRunbookHttp http;
        readonly TimeProvider time;

        readonly Redaction.Redactor redactor;

        public StatusPageClient(Services.RunbookServices services)
            : this(services.Http, services.Time, services.Redactor)
        {
        }

        internal StatusPageClient(IRunbookHttp http, TimeProvider time, Redaction.Redactor redactor)
        {
            this.http = http;
            this.time = time;
            this.redactor = redactor;
        }

        public async Task<PostHogStatus> GetStatusAsync(Uri statusPageUrl, PostHogRegion region, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var (fetched, document) = await FetchDocumentAsync(statusPageUrl, timeout, cancellationToken).ConfigureAwait(false);
            // The URL as it is shown: without credentials it may carry (user:password@, ?token=).
            return Filter(document, region, redactor.Redact(fetched.RequestUri.ToString()), time.GetUtcNow());
        }

        /// <summary>Reads and parses the page; every failure is a <see cref="RunbookException"/> with a StatusPage* id.</summary>
        internal async Task<(HttpFetchResult Fetched, StatusDocument Document)> FetchDocumentAsync(Uri statusPageUrl, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var isSiteRoot = string.IsNullOrEmpty(statusPageUrl.AbsolutePath.Trim('/'));
            var first = isSiteRoot ? new Uri(statusPageUrl, IncidentIoPath) : statusPageUrl;
            var fetched = await FetchAsync(first, timeout, cancellationToken).ConfigureAwait(false);
            if (isSiteRoot && fetched.StatusCode == HttpStatusCode.NotFound)
            {
                // Not incident.io: the older Atlassian Statuspage generation 404s the widget API.
                fetched = await FetchAsync(new Uri(statusPageUrl, StatuspagePath), timeout, cancellationToken).ConfigureAwait(false);
            }

            if (!fetched.IsSuccess)
            {
                throw new RunbookException(
                    "StatusPageHttpError",
                    RunbookErrorKind.ResourceUnavailable,
                    $"The status page {RunbookHttp.Describe(fetched.RequestUri)} answered HTTP {fetched.Status} ({fetched.StatusCode}).",
                    fetched.RequestUri.ToString(),
                    $"HTTP {fetched.Status}; content type '{fetched.ContentType ?? "none"}'; body starts: {fetched.BodyPreview()}");
            }

            return (fetched, Parse(fetched));
        }

        internal static StatusDocument Parse(HttpFetchResult fetched)
        {
            var contentType = fetched.ContentType ?? string.Empty;
            var where = RunbookHttp.Describe(fetched.RequestUri);
            if (contentType.Contains("html", StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid(fetched, $"The status page {where} sent HTML, not JSON (content type '{contentType}'). It starts: {fetched.BodyPreview()}");
            }

            JToken token;
            try
            {
                using var reader = new JsonTextReader(new System.IO.StringReader(fetched.BodyText)) { DateParseHandling = DateParseHandling.None, MaxDepth = 64 };
                token = JToken.ReadFrom(reader);
                while (reader.Read())
                {
                    if (reader.TokenType != JsonToken.Comment)
                    {
                        throw new JsonReaderException("Additional content after the JSON document.");
                    }
                }
            }
            catch (JsonException ex)
            {
                throw Invalid(fetched, $"The status page {where} sent a body that is not valid JSON (content type '{contentType}'): {ex.Message} It starts: {fetched.BodyPreview()}");
            }

            if (token is not JObject document)
            {
                throw Invalid(fetched, $"The status page {where} sent JSON that is not an object (a {token.Type}). It starts: {fetched.BodyPreview()}");
            }

            if (IncidentIoParser.Recognizes(document))
            {
                return IncidentIoParser.Parse(document);
            }

            if (StatuspageV2Parser.Recognizes(document))
            {
                return StatuspageV2Parser.Parse(document);
            }

            throw Invalid(fetched, $"The status page {where} sent JSON of an unknown shape: neither incident.io's summary nor Statuspage v2 (content type '{contentType}'). It starts: {fetched.BodyPreview()}");
        }

        internal static PostHogStatus Filter(StatusDocument document, PostHogRegion region, string url, DateTimeOffset retrievedAt)
        {
            var components = document.Components.Where(c => StatusStates.Concerns(c.Region, region)).ToList();
            var incidents = document.Incidents.Where(i => StatusStates.Concerns(i.Regions, region)).ToList();
            var inProgress = document.MaintenancesInProgress.Where(m => StatusStates.Concerns(m.Regions, region)).ToList();
            var scheduled = document.ScheduledMaintenances.Where(m => StatusStates.Concerns(m.Regions, region)).ToList();

            var states = components.Select(c => c.State)
                .Concat(incidents.Select(i => i.Impact))
                .Concat(inProgress.Select(_ => ServiceState.UnderMaintenance));
            if (region == PostHogRegion.All && document.DeclaredOverall is { } declared)
            {
                // The page-wide indicator speaks for every region; a regional view trusts its own components.
                states = states.Append(declared);
            }

            var state = StatusStates.Worst(states);
            var affected = incidents.Count > 0 || inProgress.Count > 0;
            return new PostHogStatus(region, state, affected, Summarize(region, state, incidents, inProgress), components, incidents, inProgress, scheduled, document.Provider, url, retrievedAt);
        }

        static string Summarize(PostHogRegion region, ServiceState state, System.Collections.Generic.IReadOnlyList<PostHogStatusIncident> incidents, System.Collections.Generic.IReadOnlyList<PostHogMaintenance> maintenances)
        {
            var head = $"{StatusStates.Describe(region)}: {StatusStates.Describe(state)}";
            var named = incidents.Select(i => $"{i.Name} ({i.Status})").Concat(maintenances.Select(m => $"maintenance: {m.Name}")).ToList();
            return named.Count == 0 ? head : head + " - " + string.Join("; ", named);
        }

        async Task<HttpFetchResult> FetchAsync(Uri uri, TimeSpan timeout, CancellationToken cancellationToken)
        {
            try
            {
                return await http.GetAsync(uri, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (DependencyUnreachableException ex)
            {
                throw ex.Named("StatusPageUnreachable", "PostHog's status page is unreachable. ", RunbookHttp.Describe(uri));
            }
        }

        static RunbookException Invalid(HttpFetchResult fetched, string message)
            => new("StatusPageInvalidResponse", RunbookErrorKind.InvalidResult, message, fetched.RequestUri.ToString(), $"content type '{fetched.ContentType ?? "none"}'; first bytes: {fetched.BodyPreview()}");
    }
}
