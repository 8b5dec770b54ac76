using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Journal
{
    /// <summary>
    /// Reads journal lines back into an incident. Lenient by design: a line that is not one whole JSON object
    /// (a torn write) is skipped; an unknown kind is kept as an Unknown entry with its message; an unknown
    /// value (a status, a severity from a newer version) leaves the field as it was.
    /// </summary>
    public static class IncidentFold
    {
        /// <summary>The whole lines of a journal's text, parsed; anything else (a torn last line) is left out.</summary>
        public static IReadOnlyList<JObject> ParseLines(string content)
        {
            var lines = new List<JObject>();
            foreach (var raw in (content ?? string.Empty).Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                if (line.Length > 0 && TryParseLine(line, out var parsed))
                {
                    lines.Add(parsed);
                }
            }

            return lines;
        }

        /// <summary>One line: exactly one JSON object with an At, nothing after it.</summary>
        public static bool TryParseLine(string line, out JObject parsed)
        {
            parsed = null!;
            try
            {
                using var reader = new JsonTextReader(new StringReader(line)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double };
                if (JToken.ReadFrom(reader) is not JObject obj || reader.Read() || Date(obj, JournalFields.At) == null)
                {
                    return false;
                }

                parsed = obj;
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        /// <summary>The incident told by <paramref name="lines"/>, oldest first; null when there is none.</summary>
        public static PostHogIncident? Fold(string incidentId, IEnumerable<JObject> lines)
        {
            var state = new State(incidentId);
            foreach (var line in lines)
            {
                state.Apply(line);
            }

            return state.Build();
        }

        sealed class State
        {
            readonly string id;
            readonly List<IncidentTriageRecord> reports = new();
            readonly List<IncidentAction> actions = new();
            readonly List<IncidentEntry> timeline = new();
            readonly List<IncidentNotification> notifications = new();
            TriageTarget target = new(null, null, null, null, null, null, null, null, PostHogRegion.All, null, null, null);
            TriageCategory category = TriageCategory.Unknown;
            IncidentSeverity severity = IncidentSeverity.None;
            IncidentStatus status = IncidentStatus.Investigating;
            DateTimeOffset? startedAt;
            DateTimeOffset? resolvedAt;
            string? commander;
            string? impact;

            public State(string id)
            {
                this.id = id;
            }

            public void Apply(JObject line)
            {
                var at = Date(line, JournalFields.At)!.Value;
                var kind = Enum<IncidentEntryKind>(line, JournalFields.Kind) ?? IncidentEntryKind.Unknown;
                var actor = String(line, JournalFields.Actor) ?? "unknown";
                timeline.Add(new IncidentEntry(at, kind, String(line, JournalFields.Message) ?? string.Empty, actor));
                startedAt ??= at;
                switch (kind)
                {
                    case IncidentEntryKind.Opened:
                        startedAt = at;
                        if (line[JournalFields.Target] is JObject targetObject)
                        {
                            target = Target(targetObject);
                        }

                        Classify(Enum<TriageCategory>(line, JournalFields.Category), Enum<IncidentSeverity>(line, JournalFields.Severity));
                        break;
                    case IncidentEntryKind.Triage when line[JournalFields.Report] is JObject report:
                        var record = new IncidentTriageRecord(
                            Date(report, JournalFields.At) ?? at,
                            Enum<TriageCategory>(report, JournalFields.Category) ?? TriageCategory.Unknown,
                            Enum<IncidentSeverity>(report, JournalFields.Severity) ?? IncidentSeverity.None,
                            Enum<RemediationAction>(report, JournalFields.RecommendedAction) ?? RemediationAction.None,
                            String(report, JournalFields.Summary) ?? string.Empty,
                            (report[JournalFields.DecisionPath] as JArray)?.Select(step => step.Type == JTokenType.String ? (string)step! : step.ToString()).ToList() ?? new List<string>(),
                            String(report, JournalFields.DominantError),
                            Number(report, JournalFields.ErrorRatio));
                        reports.Add(record);
                        Classify(Enum<TriageCategory>(report, JournalFields.Category), Enum<IncidentSeverity>(report, JournalFields.Severity));
                        break;
                    case IncidentEntryKind.Action or IncidentEntryKind.ActionFailed or IncidentEntryKind.Undo when line[JournalFields.Action] is JObject action:
                        actions.Add(new IncidentAction(
                            at,
                            kind,
                            String(action, JournalFields.Action) ?? "unknown",
                            String(action, JournalFields.Target),
                            String(action, JournalFields.Container),
                            String(action, JournalFields.Before),
                            String(action, JournalFields.After),
                            Enum<RemediationOutcome>(action, JournalFields.Outcome) ?? RemediationOutcome.Unknown,
                            String(action, JournalFields.Undo),
                            String(action, JournalFields.ErrorId),
                            actor));
                        break;
                    case IncidentEntryKind.StatusChanged when Enum<IncidentStatus>(line, JournalFields.Status) is { } newStatus:
                        status = newStatus;
                        resolvedAt = newStatus == IncidentStatus.Resolved ? at : null;
                        break;
                    case IncidentEntryKind.Commander when String(line, JournalFields.Commander) is { } name:
                        commander = name;
                        break;
                    case IncidentEntryKind.Impact when String(line, JournalFields.Impact) is { } text:
                        impact = text;
                        break;
                    case IncidentEntryKind.Notification when line[JournalFields.Notification] is JObject sent && String(line, JournalFields.Channel) is { } channel:
                        notifications.Add(new IncidentNotification(
                            at,
                            channel,
                            sent[JournalFields.Succeeded] is JValue { Type: JTokenType.Boolean } ok && (bool)ok,
                            Number(sent, JournalFields.HttpStatus) is { } httpStatus ? (int)httpStatus : null,
                            Number(sent, JournalFields.Attempts) is { } attemptCount ? (int)attemptCount : 0,
                            String(sent, JournalFields.ExternalId),
                            String(sent, JournalFields.EventAction)));
                        break;
                }
            }

            // The incident is as severe as its worst moment; its category is that moment's (the newest among equals).
            void Classify(TriageCategory? newCategory, IncidentSeverity? newSeverity)
            {
                if (newSeverity is not { } value || value < severity)
                {
                    return;
                }

                severity = value;
                if (newCategory is { } known)
                {
                    category = known;
                }
            }

            public PostHogIncident? Build()
            {
                if (timeline.Count == 0)
                {
                    return null;
                }

                return new PostHogIncident(
                    id,
                    target,
                    category,
                    severity,
                    status,
                    startedAt!.Value,
                    timeline[^1].At,
                    resolvedAt,
                    commander,
                    impact,
                    reports.ToArray(),
                    actions.ToArray(),
                    timeline.ToArray(),
                    notifications.ToArray());
            }
        }

        static TriageTarget Target(JObject target)
            => new(
                String(target, nameof(TriageTarget.KubeConfig)),
                String(target, nameof(TriageTarget.Context)),
                String(target, nameof(TriageTarget.Namespace)),
                String(target, nameof(TriageTarget.Deployment)),
                String(target, nameof(TriageTarget.Selector)),
                String(target, nameof(TriageTarget.SecretName)),
                String(target, nameof(TriageTarget.SecretKey)),
                String(target, nameof(TriageTarget.PostHogHost)),
                Enum<PostHogRegion>(target, nameof(TriageTarget.Region)) ?? PostHogRegion.All,
                String(target, nameof(TriageTarget.StatusPageUrl)),
                String(target, nameof(TriageTarget.HealthUrl)),
                String(target, nameof(TriageTarget.PrometheusUrl)));

        static string? String(JObject obj, string name)
        {
            var value = obj[name];
            return value == null || value.Type == JTokenType.Null ? null : value.Type == JTokenType.String ? (string?)value : value.ToString(Formatting.None);
        }

        static double? Number(JObject obj, string name)
            => obj[name] is JValue { Type: JTokenType.Float or JTokenType.Integer } value ? Convert.ToDouble(value.Value, CultureInfo.InvariantCulture) : null;

        static DateTimeOffset? Date(JObject obj, string name)
            => String(obj, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

        /// <summary>A name this version defines; null for anything else (a newer version's value, a number).</summary>
        static T? Enum<T>(JObject obj, string name)
            where T : struct, Enum
        {
            var text = String(obj, name);
            return text != null && text.Length > 0 && !char.IsDigit(text[0]) && text[0] != '-' && System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) ? value : null;
        }
    }
}
