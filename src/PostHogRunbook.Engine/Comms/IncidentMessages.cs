using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Comms
{
    /// <summary>
    /// The runbook's two update templates, filled from an incident: Internal (the team's channel: the workload, the
    /// decision path, the commander) and External (the status page: what customers notice, no internal name).
    /// Every text passes the redactor.
    /// </summary>
    public static class IncidentMessages
    {
        static readonly Regex UrlPattern = new(@"\bhttps?://\S+", RegexOptions.Compiled | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        static readonly Regex InternalHostPattern = new(@"\b[\w.-]+\.(?:svc|cluster\.local|internal|local)\b|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b", RegexOptions.Compiled | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));

        /// <summary>The next update's default: 30 minutes for a P1 or P2, an hour otherwise.</summary>
        public static DateTimeOffset DefaultNextUpdate(IncidentSeverity severity, DateTimeOffset now)
            => now + (severity >= IncidentSeverity.P2 ? TimeSpan.FromMinutes(30) : TimeSpan.FromHours(1));

        public static IncidentMessage Build(PostHogIncident incident, IncidentAudience audience, DateTimeOffset? nextUpdate, DateTimeOffset now, Redactor redactor)
        {
            ArgumentNullException.ThrowIfNull(incident);
            ArgumentNullException.ThrowIfNull(redactor);
            var next = (nextUpdate ?? DefaultNextUpdate(incident.Severity, now)).ToUniversalTime();
            return audience == IncidentAudience.Internal ? Internal(incident, next, redactor) : External(incident, next, redactor);
        }

        static IncidentMessage Internal(PostHogIncident incident, DateTimeOffset next, Redactor redactor)
        {
            var latest = incident.Reports.Count > 0 ? incident.Reports[^1] : null;
            var impact = redactor.Redact(incident.Impact ?? DefaultImpact(incident.Category));
            var action = redactor.Redact(InternalAction(incident, latest));
            var commander = incident.Commander == null ? null : redactor.Redact(incident.Commander);
            var title = redactor.Redact($"[{Severity(incident.Severity)}] PostHog integration incident {incident.Id}: {incident.Category} ({incident.Status})");
            var text = new StringBuilder()
                .Append('*').Append(title).AppendLine("*")
                .Append("Severity: ").AppendLine(Severity(incident.Severity))
                .Append("Status: ").AppendLine(incident.Status.ToString())
                .Append("Impact: ").AppendLine(impact)
                .Append("Current action: ").AppendLine(action)
                .Append("Next update: ").AppendLine(Time(next))
                .Append("Incident commander: ").AppendLine(commander ?? "unassigned")
                .Append("Last updated: ").AppendLine(Time(incident.UpdatedAt))
                .Append("Workload: ").AppendLine(redactor.Redact(Workload(incident.Target)));
            if (latest != null)
            {
                text.Append("Triage: ").AppendLine(redactor.Redact(latest.Summary));
                if (latest.DecisionPath.Count > 0)
                {
                    text.Append("Decision path: ").AppendLine(redactor.Redact(string.Join(" > ", latest.DecisionPath)));
                }
            }

            return new IncidentMessage(incident.Id, IncidentAudience.Internal, title, text.ToString().TrimEnd(), incident.Severity, incident.Status, impact, action, commander, next, incident.UpdatedAt);
        }

        static IncidentMessage External(PostHogIncident incident, DateTimeOffset next, Redactor redactor)
        {
            var impact = Public(incident, redactor.Redact(incident.Impact ?? DefaultImpact(incident.Category)));
            var action = ExternalAction(incident.Status);
            var title = ExternalTitle(incident);
            var text = new StringBuilder()
                .Append(StatusWord(incident.Status)).Append(" - ").AppendLine(action)
                .Append("Impact: ").AppendLine(impact);
            if (incident.Status != IncidentStatus.Resolved)
            {
                text.Append("Next update: by ").AppendLine(Time(next));
            }

            text.Append("Last updated: ").AppendLine(Time(incident.UpdatedAt));
            return new IncidentMessage(incident.Id, IncidentAudience.External, title, text.ToString().TrimEnd(), incident.Severity, incident.Status, impact, action, null, next, incident.UpdatedAt);
        }

        /// <summary>"P1" or, for an incident with no severity yet, "unrated".</summary>
        public static string Severity(IncidentSeverity severity) => severity == IncidentSeverity.None ? "unrated" : severity.ToString();

        /// <summary>2026-11-29 08:30 UTC.</summary>
        public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

        public static string Workload(TriageTarget target)
            => $"deployment {target.Namespace ?? "default"}/{target.Deployment ?? "?"}" + (target.Context == null ? string.Empty : $" (context {target.Context})");

        /// <summary>What the customers of the product notice, by category; the incident's own impact replaces it once set.</summary>
        public static string DefaultImpact(TriageCategory category) => category switch
        {
            TriageCategory.PostHogOutage or TriageCategory.PostHogServerErrors => "Product analytics events and feature flag evaluations may be delayed or fall back to defaults.",
            TriageCategory.Authentication => "Product analytics events and feature flag evaluations are failing for our service.",
            TriageCategory.RateLimited => "Some product analytics events are delayed while requests are queued.",
            TriageCategory.InternalInfrastructure => "Product analytics and feature flags are degraded for our service.",
            TriageCategory.Intermittent => "A small share of product analytics events may be delayed.",
            _ => "We are assessing the impact.",
        };

        static string InternalAction(PostHogIncident incident, IncidentTriageRecord? latest)
        {
            // The latest change that did something; a later run that found it in place adds nothing to say.
            var last = incident.Actions.LastOrDefault(a => a.Outcome != RemediationOutcome.AlreadyInState) ?? (incident.Actions.Count > 0 ? incident.Actions[^1] : null);
            if (last != null)
            {
                var where = last.Target == null ? string.Empty : $" on {last.Target}";
                return last.Kind switch
                {
                    IncidentEntryKind.ActionFailed => $"{last.Action}{where} failed ({last.ErrorId}); next: {latest?.RecommendedAction.ToString() ?? "investigate"}",
                    IncidentEntryKind.Undo => $"undid {last.Action}{where}",
                    _ => $"{last.Action}{where} ({last.Outcome})",
                };
            }

            return latest == null ? "investigating" : $"next: {latest.RecommendedAction}";
        }

        static string ExternalAction(IncidentStatus status) => status switch
        {
            IncidentStatus.Identified => "We have identified the cause and are working on a fix.",
            IncidentStatus.Mitigated => "A fix has been applied and we are monitoring the results.",
            IncidentStatus.Monitoring => "A fix has been applied and we are monitoring the results.",
            IncidentStatus.Resolved => "This incident has been resolved.",
            _ => "We are investigating the cause.",
        };

        static string StatusWord(IncidentStatus status) => status == IncidentStatus.Mitigated ? "Monitoring" : status.ToString();

        static string ExternalTitle(PostHogIncident incident) => incident.Category switch
        {
            TriageCategory.RateLimited or TriageCategory.Intermittent => "Delayed product analytics",
            TriageCategory.Healthy or TriageCategory.MonitoringGap or TriageCategory.Unknown => "Investigating product analytics issues",
            _ => "Degraded product analytics and feature flags",
        };

        /// <summary>
        /// An impact written for the team, made fit for customers: the workload's names (deployment, namespace,
        /// context, secret, pods), URLs and internal hosts become "our service".
        /// </summary>
        public static string Public(PostHogIncident incident, string text)
        {
            var target = incident.Target;
            var names = new List<string?> { target.Deployment, target.Namespace, target.Context, target.SecretName, target.Selector };
            foreach (var url in new[] { target.PostHogHost, target.StatusPageUrl, target.HealthUrl, target.PrometheusUrl })
            {
                if (url != null && Uri.TryCreate(url, UriKind.Absolute, out var uri))
                {
                    names.Add(uri.Authority);
                    names.Add(uri.Host);
                }
            }

            var result = UrlPattern.Replace(text, "our service");
            result = InternalHostPattern.Replace(result, "our service");
            foreach (var name in names.Where(n => !string.IsNullOrWhiteSpace(n) && n!.Length >= 3).Distinct().OrderByDescending(n => n!.Length))
            {
                // Kubernetes names are lower case and whole words (so the namespace posthog leaves "PostHog" alone);
                // a pod is its deployment's name and a suffix: posthog-integration-7d9f8c-abcde.
                result = Regex.Replace(result, @"(?<![\w.-])" + Regex.Escape(name!) + @"(?:-[a-z0-9]+)*(?![\w-])", "our service", RegexOptions.None, TimeSpan.FromSeconds(1));
            }

            return result;
        }
    }
}
