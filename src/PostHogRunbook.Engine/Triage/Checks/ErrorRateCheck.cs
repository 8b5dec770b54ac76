using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Metrics;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage.Checks
{
    /// <summary>
    /// The integration's own traffic, from Prometheus: errors per status over the window, the ratio to requests
    /// when the request counter exists, whether errors are still happening (the recent window, default the last
    /// minute), and whether there were any in the window. The series are narrowed by MetricsSelector. A dead
    /// Prometheus is the runbook's "metrics unavailable": Unavailable, not a crash.
    /// </summary>
    internal sealed class ErrorRateCheck : ITriageCheck
    {
        public TriageCheckName Name => TriageCheckName.ErrorRate;

        public int SequentialCalls => 1;

        public bool UsesKubernetes => false;

        public async Task<CheckOutcome> RunAsync(TriageContext context, CancellationToken cancellationToken)
        {
            var thresholds = context.Thresholds;
            var url = context.Profile.GetUri(RunbookSetting.PrometheusUrl);
            if (url == null)
            {
                return CheckOutcome.Skipped("no -PrometheusUrl");
            }

            var errors = context.Profile.Get(RunbookSetting.ErrorMetric)!;
            var requests = context.Profile.Get(RunbookSetting.RequestMetric)!;
            var selector = context.Profile.Get(RunbookSetting.MetricsSelector);
            var errorSeries = MetricSeries.Select(errors, selector);
            var requestSeries = MetricSeries.Select(requests, selector);
            var window = context.Profile.GetWindow(RunbookSetting.MetricsWindow).Text;
            var recent = context.Profile.GetWindow(RunbookSetting.RecentWindow);
            var prometheus = new PrometheusClient(context.Http, url, context.CheckTimeout);
            var byStatusQuery = $"sum by (status) (rate({errorSeries}[{window}]))";
            var requestsQuery = $"sum(rate({requestSeries}[{window}]))";
            var nowQuery = $"sum(rate({errorSeries}[{recent.Text}]))";
            var windowQuery = $"sum(increase({errorSeries}[{window}]))";
            var byStatusTask = prometheus.QueryAsync(byStatusQuery, cancellationToken);
            var requestsTask = prometheus.QueryAsync(requestsQuery, cancellationToken);
            var nowTask = prometheus.QueryAsync(nowQuery, cancellationToken);
            var windowTask = prometheus.QueryAsync(windowQuery, cancellationToken);
            await Task.WhenAll(byStatusTask, requestsTask, nowTask, windowTask).ConfigureAwait(false);
            var byStatusSamples = await byStatusTask.ConfigureAwait(false);
            var requestSamples = await requestsTask.ConfigureAwait(false);
            var nowSamples = await nowTask.ConfigureAwait(false);
            var windowSamples = await windowTask.ConfigureAwait(false);

            var byStatus = byStatusSamples
                .GroupBy(s => s.Labels.TryGetValue("status", out var status) ? status : "unknown", StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(s => s.Value), StringComparer.Ordinal);
            if (byStatus.Count == 0 && requestSamples.Count == 0)
            {
                throw new RunbookException(
                    "MetricsMissing",
                    RunbookErrorKind.ObjectNotFound,
                    $"Metrics unavailable: Prometheus at {url} has no series for {errorSeries} or {requestSeries}. Is it scraping the integration?",
                    url.ToString());
            }

            var errorsPerSecond = byStatus.Values.Sum();
            double? requestsPerSecond = requestSamples.Count > 0 ? requestSamples.Sum(s => s.Value) : null;
            double? ratio = requestsPerSecond is > 0 ? Math.Min(1, errorsPerSecond / requestsPerSecond.Value) : null;
            var now = nowSamples.Sum(s => s.Value);
            var inWindow = windowSamples.Sum(s => s.Value);
            var dominant = byStatus.Where(e => e.Value > 0).OrderByDescending(e => e.Value).Select(e => e.Key).FirstOrDefault();
            var evidence = new ErrorRateEvidence(context.Redactor.Redact(url.ToString()), window, byStatus, errorsPerSecond, requestsPerSecond, ratio, now, inWindow, dominant, new[] { byStatusQuery, requestsQuery, nowQuery, windowQuery }, recent.Text);

            var rateText = errorsPerSecond.ToString("0.##", CultureInfo.InvariantCulture) + " errors/s";
            var ratioText = ratio is { } r ? $" ({TriageDecision.Percent(r)} of {requestsPerSecond!.Value.ToString("0.##", CultureInfo.InvariantCulture)} req/s)" : " (no request metric)";
            var statusText = byStatus.Any(e => e.Value > 0) ? ", " + string.Join(", ", byStatus.Where(e => e.Value > 0).OrderByDescending(e => e.Value).Select(e => $"{e.Key}: {e.Value.ToString("0.##", CultureInfo.InvariantCulture)}/s")) : string.Empty;
            var line = $"{rateText}{ratioText} over {window}{statusText}";
            var erroringNow = now > 0 && (ratio == null || ratio >= thresholds.NoiseFloor);
            if (erroringNow)
            {
                return new CheckOutcome(CheckStatus.Fail, line + ".", evidence);
            }

            return inWindow > 0 || errorsPerSecond > 0
                ? new CheckOutcome(CheckStatus.Warn, line + (now > 0 ? "; under the noise floor now." : $"; none in {recent.Phrase}."), evidence)
                : new CheckOutcome(CheckStatus.Pass, line + ".", evidence);
        }
    }
}
