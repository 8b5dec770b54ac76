using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Http;
using PostHogRunbook.Engine.Metrics;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Comms
{
    /// <summary>What Prometheus says of the incident's span: requests failed and the worst error ratio (null: it did not answer).</summary>
    public sealed record IncidentImpactMetrics(double? RequestsFailed, double? PeakErrorRatio, string? Unavailable)
    {
        public static IncidentImpactMetrics None(string why) => new(null, null, why);
    }

    /// <summary>
    /// The runbook's postmortem template, filled from the journal: header (date, duration, severity), summary,
    /// timeline (every entry, HH:MM UTC), root cause (the decision path and the dominant error), impact (the
    /// metrics over the incident, revenue left to fill), detect/mitigate/resolve times, and action items for the
    /// category with owner and due-date placeholders. Everything passes the redactor.
    /// </summary>
    public static class PostmortemWriter
    {
        public const string Placeholder = "_to fill in_";

        /// <summary>Reads the errors over the incident from Prometheus through the command's HTTP layer; the ratio's rate() over <paramref name="rateWindow"/> (the MetricsWindow setting), as the triage reads it.</summary>
        public static Task<IncidentImpactMetrics> ReadMetricsAsync(RunbookServices services, Uri? prometheusUrl, string errorMetric, string requestMetric, string? selector, string rateWindow, PostHogIncident incident, TimeSpan timeout, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(services);
            return ReadMetricsAsync(services.Http, prometheusUrl, errorMetric, requestMetric, selector, rateWindow, incident, services.Time.GetUtcNow(), timeout, cancellationToken);
        }

        /// <summary>Reads the errors over the incident from Prometheus; any failure is "metrics unavailable", never an exception.</summary>
        internal static async Task<IncidentImpactMetrics> ReadMetricsAsync(IRunbookHttp http, Uri? prometheusUrl, string errorMetric, string requestMetric, string? selector, string rateWindow, PostHogIncident incident, DateTimeOffset now, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (prometheusUrl == null)
            {
                return IncidentImpactMetrics.None("no -PrometheusUrl");
            }

            var end = incident.ResolvedAt ?? now;
            var span = Math.Max(60, (int)Math.Ceiling((end - incident.StartedAt).TotalSeconds));
            // Read at the incident's end; one ended within the last minute is read now (a scrape or two later), as
            // the newest samples may not have reached Prometheus at its end.
            var sinceEnd = (int)Math.Floor((now - end).TotalSeconds);
            var offset = sinceEnd < 60 ? 0 : sinceEnd;
            var at = offset > 0 ? string.Create(CultureInfo.InvariantCulture, $" offset {offset}s") : string.Empty;
            var errors = MetricSeries.Select(errorMetric, selector);
            var requests = MetricSeries.Select(requestMetric, selector);
            var client = new PrometheusClient(http, prometheusUrl, timeout);
            var failedQuery = string.Create(CultureInfo.InvariantCulture, $"sum(increase({errors}[{span}s]{at}))");
            var ratio = $"(sum(rate({errors}[{rateWindow}])) / sum(rate({requests}[{rateWindow}])))";
            var step = Math.Max(5, span / 60);
            var peakQuery = string.Create(CultureInfo.InvariantCulture, $"max_over_time({ratio}[{span}s:{step}s]{at})");
            // The subquery's steps are aligned to the clock: a short incident may have none with data yet, so the
            // ratio at the incident's end counts too.
            var endQuery = $"(sum(rate({errors}[{rateWindow}]{at})) / sum(rate({requests}[{rateWindow}]{at})))";
            try
            {
                var failed = await client.QueryAsync(failedQuery, cancellationToken).ConfigureAwait(false);
                var peak = await client.QueryAsync(peakQuery, cancellationToken).ConfigureAwait(false);
                var atEnd = await client.QueryAsync(endQuery, cancellationToken).ConfigureAwait(false);
                if (failed.Count == 0 && peak.Count == 0 && atEnd.Count == 0)
                {
                    return IncidentImpactMetrics.None($"Prometheus at {prometheusUrl} has no series for {errors}");
                }

                var ratios = peak.Concat(atEnd).Select(sample => Finite(sample.Value)).Where(value => value != null).ToList();
                return new IncidentImpactMetrics(Finite(failed.Count > 0 ? failed[0].Value : null), ratios.Count > 0 ? ratios.Max() : null, null);
            }
            catch (RunbookException ex)
            {
                return IncidentImpactMetrics.None(ex.Message);
            }
            catch (DependencyUnreachableException ex)
            {
                return IncidentImpactMetrics.None(ex.Message);
            }
        }

        static double? Finite(double? value) => value is { } v && !double.IsNaN(v) && !double.IsInfinity(v) ? v : null;

        public static string Title(PostHogIncident incident)
            => $"Postmortem: {incident.Category} on {incident.Target.Deployment ?? "posthog-integration"} ({incident.Id})";

        public static string Write(PostHogIncident incident, IncidentImpactMetrics metrics, DateTimeOffset now, Redactor redactor)
        {
            ArgumentNullException.ThrowIfNull(incident);
            ArgumentNullException.ThrowIfNull(metrics);
            ArgumentNullException.ThrowIfNull(redactor);
            var end = incident.ResolvedAt ?? now;
            var latest = incident.Reports.Count > 0 ? incident.Reports[^1] : null;
            var worst = incident.Reports.Where(r => r.Severity == incident.Severity).LastOrDefault() ?? latest;
            var text = new StringBuilder();
            text.Append("# ").AppendLine(Title(incident)).AppendLine();
            text.Append("- **Date:** ").AppendLine(incident.StartedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            text.Append("- **Duration:** ").Append(Duration(end - incident.StartedAt)).AppendLine(incident.ResolvedAt == null ? " (still open)" : string.Empty);
            text.Append("- **Started:** ").AppendLine(IncidentMessages.Time(incident.StartedAt));
            text.Append("- **Resolved:** ").AppendLine(incident.ResolvedAt is { } resolved ? IncidentMessages.Time(resolved) : "not yet");
            text.Append("- **Severity:** ").AppendLine(IncidentMessages.Severity(incident.Severity));
            text.Append("- **Status:** ").AppendLine(incident.Status.ToString());
            text.Append("- **Category:** ").AppendLine(incident.Category.ToString());
            text.Append("- **Incident commander:** ").AppendLine(incident.Commander ?? Placeholder);
            text.Append("- **Workload:** ").AppendLine(IncidentMessages.Workload(incident.Target));
            text.AppendLine();

            text.AppendLine("## Summary").AppendLine();
            text.AppendLine(worst?.Summary is { Length: > 0 } summary ? summary : $"{incident.Category} incident on {IncidentMessages.Workload(incident.Target)}.");
            if (incident.Impact != null)
            {
                text.AppendLine().Append("Impact as reported: ").AppendLine(incident.Impact);
            }

            text.AppendLine();
            text.AppendLine("## Timeline (UTC)").AppendLine();
            foreach (var entry in incident.Timeline)
            {
                text.Append("- ").Append(entry.At.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)).Append(" **").Append(entry.Kind).Append("** ")
                    .Append(OneLine(entry.Message)).Append(" (").Append(entry.Actor).AppendLine(")");
            }

            text.AppendLine();
            text.AppendLine("## Root cause").AppendLine();
            if (worst == null)
            {
                text.AppendLine("No triage was journaled: " + Placeholder);
            }
            else
            {
                text.Append("The triage classified the incident as **").Append(worst.Category).Append("** (").Append(IncidentMessages.Severity(worst.Severity)).Append("), recommending ").Append(worst.RecommendedAction).AppendLine(".");
                text.Append("Dominant error: ").AppendLine(worst.DominantError ?? "none seen in the metrics");
                if (worst.ErrorRatio is { } ratio)
                {
                    text.Append("Error ratio at triage: ").AppendLine(Percent(ratio));
                }

                text.AppendLine().AppendLine("Decision path:").AppendLine();
                var step = 1;
                foreach (var decision in worst.DecisionPath)
                {
                    text.Append(step++.ToString(CultureInfo.InvariantCulture)).Append(". ").AppendLine(OneLine(decision));
                }
            }

            text.AppendLine().AppendLine("## Impact").AppendLine();
            if (metrics.Unavailable == null)
            {
                text.Append("- Requests failed: ").AppendLine(metrics.RequestsFailed is { } failed ? Math.Round(failed).ToString("N0", CultureInfo.InvariantCulture) : "none recorded");
                text.Append("- Peak error ratio: ").AppendLine(metrics.PeakErrorRatio is { } peak ? Percent(peak) : "none recorded");
            }
            else
            {
                text.Append("- Metrics unavailable (").Append(OneLine(metrics.Unavailable)).AppendLine("): requests failed and the peak error ratio " + Placeholder);
            }

            text.Append("- Revenue impact: ").AppendLine(Placeholder);
            text.Append("- Customers affected: ").AppendLine(Placeholder);

            text.AppendLine().AppendLine("## Response times").AppendLine();
            var detected = incident.Reports.Count > 0 ? incident.Reports[0].At : incident.Timeline.FirstOrDefault(e => e.Kind == IncidentEntryKind.Triage)?.At;
            var mitigated = incident.Actions.FirstOrDefault(a => a.Kind == IncidentEntryKind.Action && a.Outcome is RemediationOutcome.Applied or RemediationOutcome.AlreadyInState)?.At
                ?? incident.Timeline.FirstOrDefault(e => e.Kind == IncidentEntryKind.StatusChanged && (e.Message.Contains("Mitigated", StringComparison.Ordinal) || e.Message.Contains("Monitoring", StringComparison.Ordinal)))?.At;
            text.Append("- Time to detect: ").AppendLine(Since(incident.StartedAt, detected));
            text.Append("- Time to mitigate: ").AppendLine(Since(incident.StartedAt, mitigated));
            text.Append("- Time to resolve: ").AppendLine(Since(incident.StartedAt, incident.ResolvedAt));

            text.AppendLine().AppendLine("## Actions taken").AppendLine();
            if (incident.Actions.Count == 0)
            {
                text.AppendLine("None journaled.");
            }

            foreach (var action in incident.Actions)
            {
                text.Append("- ").Append(action.At.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)).Append(' ').Append(action.Kind == IncidentEntryKind.Undo ? "Undo " : string.Empty)
                    .Append(action.Action).Append(action.Target == null ? string.Empty : " on " + action.Target).Append(": ").Append(action.Outcome)
                    .AppendLine(action.ErrorId == null ? string.Empty : $" ({action.ErrorId})");
            }

            text.AppendLine().AppendLine("## Action items").AppendLine();
            text.AppendLine("| Action item | Owner | Due |").AppendLine("| --- | --- | --- |");
            foreach (var item in ActionItems(incident.Category))
            {
                text.Append("| ").Append(item).Append(" | ").Append(Placeholder).Append(" | ").Append(Placeholder).AppendLine(" |");
            }

            text.AppendLine().AppendLine("## Lessons learned").AppendLine();
            text.Append("- What went well: ").AppendLine(Placeholder);
            text.Append("- What went wrong: ").AppendLine(Placeholder);
            text.AppendLine().Append("_Written by PostHogRunbook from the journal of incident ").Append(incident.Id).Append(" at ").Append(IncidentMessages.Time(now)).AppendLine("._");
            return redactor.Redact(text.ToString());
        }

        /// <summary>The runbook's follow-ups for a category: what would have prevented it, or caught it sooner.</summary>
        public static IReadOnlyList<string> ActionItems(TriageCategory category)
        {
            var items = new List<string>();
            switch (category)
            {
                case TriageCategory.PostHogOutage:
                case TriageCategory.PostHogServerErrors:
                    items.Add("Make the fallback (POSTHOG_FALLBACK) the automatic response to PostHog 5xx, with an alert when it engages");
                    items.Add("Buffer events locally during PostHog outages and replay them after recovery");
                    items.Add("Subscribe the on-call channel to PostHog's status page");
                    break;
                case TriageCategory.Authentication:
                    items.Add("Rotate the PostHog project key on a schedule, with the runbook's Update-PostHogApiKey");
                    items.Add("Alert on 401/403 from PostHog within minutes");
                    items.Add("Find how the key was revoked or changed, and who can do it");
                    break;
                case TriageCategory.RateLimited:
                    items.Add("Batch and queue events by default (POSTHOG_RATE_LIMIT_MODE=queue)");
                    items.Add("Review the event volume that hit the rate limit and the PostHog plan's limits");
                    break;
                case TriageCategory.InternalInfrastructure:
                    items.Add("Fix the integration's own failure (pods, config, resources) named in the decision path");
                    items.Add("Add a readiness probe and an alert for the integration's deployment");
                    break;
                default:
                    items.Add("Confirm the cause and write it down here");
                    break;
            }

            items.Add("Review the alert that detected this incident and how long detection took");
            return items;
        }

        static string Since(DateTimeOffset start, DateTimeOffset? at)
            => at is { } when ? Duration(when > start ? when - start : TimeSpan.Zero) + $" ({IncidentMessages.Time(when)})" : "not reached";

        /// <summary>1h 05m, 12m 30s, 45s.</summary>
        public static string Duration(TimeSpan span)
        {
            if (span < TimeSpan.Zero)
            {
                span = TimeSpan.Zero;
            }

            return span.TotalHours >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes:00}m")
                : span.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m {span.Seconds:00}s") : string.Create(CultureInfo.InvariantCulture, $"{span.Seconds}s");
        }

        static string Percent(double ratio) => (ratio * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

        static string OneLine(string text) => text.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
    }
}
