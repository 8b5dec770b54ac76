using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Http;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Metrics
{
    /// <summary>One sample of an instant vector: its labels and value.</summary>
    internal sealed record PrometheusSample(IReadOnlyDictionary<string, string> Labels, double Value);

    /// <summary>Prometheus's HTTP API (/api/v1/query, /api/v1/query_range) through the one HTTP layer.</summary>
    internal sealed class PrometheusClient
    {
        readonly IRunbookHttp http;
        readonly Uri baseUrl;
        readonly TimeSpan timeout;

        public PrometheusClient(IRunbookHttp http, Uri baseUrl, TimeSpan timeout)
        {
            this.http = http;
            this.baseUrl = baseUrl;
            this.timeout = timeout;
        }

        public Uri BaseUrl => baseUrl;

        /// <summary>An instant query; an empty list when no series matches.</summary>
        public async Task<IReadOnlyList<PrometheusSample>> QueryAsync(string query, CancellationToken cancellationToken)
        {
            var data = await GetDataAsync("api/v1/query?query=" + Uri.EscapeDataString(query), query, cancellationToken).ConfigureAwait(false);
            var samples = new List<PrometheusSample>();
            foreach (var item in (data["result"] as JArray ?? new JArray()).OfType<JObject>())
            {
                var labels = (item["metric"] as JObject)?.Properties().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal) ?? new Dictionary<string, string>();
                var value = (item["value"] as JArray)?.ElementAtOrDefault(1)?.ToString();
                samples.Add(new PrometheusSample(labels, ParseValue(value)));
            }

            return samples;
        }

        /// <summary>A range query's raw JSON body (for the evidence bundle).</summary>
        public async Task<string> QueryRangeRawAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"api/v1/query_range?query={Uri.EscapeDataString(query)}&start={start.ToUnixTimeSeconds()}&end={end.ToUnixTimeSeconds()}&step={(int)step.TotalSeconds}s");
            var data = await GetDataAsync(path, query, cancellationToken).ConfigureAwait(false);
            return data.ToString(Formatting.None);
        }

        async Task<JObject> GetDataAsync(string relative, string query, CancellationToken cancellationToken)
        {
            var uri = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/" + relative);
            HttpFetchResult fetched;
            try
            {
                fetched = await http.GetAsync(uri, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (DependencyUnreachableException ex)
            {
                throw ex.Named("PrometheusUnreachable", "Metrics unavailable: Prometheus is unreachable. ", baseUrl.ToString());
            }

            var body = fetched.BodyAsJsonObject();
            if (body == null)
            {
                throw new RunbookException(
                    "PrometheusInvalidResponse",
                    RunbookErrorKind.InvalidResult,
                    $"Metrics unavailable: {RunbookHttp.Describe(uri)} answered HTTP {fetched.Status} with '{fetched.ContentType ?? "no content type"}', not Prometheus JSON. It starts: {fetched.BodyPreview()}",
                    baseUrl.ToString());
            }

            if (!string.Equals(body["status"]?.ToString(), "success", StringComparison.Ordinal))
            {
                throw new RunbookException(
                    "PrometheusQueryFailed",
                    RunbookErrorKind.InvalidResult,
                    $"Prometheus refused the query '{query}' (HTTP {fetched.Status}): {body["errorType"]}: {body["error"]}",
                    baseUrl.ToString());
            }

            return body["data"] as JObject ?? new JObject();
        }

        static double ParseValue(string? text)
        {
            if (text == null)
            {
                return 0;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && !double.IsNaN(value) && !double.IsInfinity(value))
            {
                return value;
            }

            // NaN (0/0 in a ratio) and +Inf carry no count: zero is the honest reading for a rate.
            return 0;
        }
    }
}
