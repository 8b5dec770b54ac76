using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Journal
{
    /// <summary>
    /// Turns openings and records into journal lines: one JSON object per line, stamped with the time (UTC) and
    /// the actor, with a sentence for people, and every string value passed through the redactor. Any store
    /// (a file, a ConfigMap) writes these lines as they are; <see cref="IncidentFold"/> reads them back.
    /// </summary>
    public sealed class JournalEntryWriter
    {
        /// <summary>The line format's version, written in every Opened line.</summary>
        public const int FormatVersion = 1;

        readonly Redactor redactor;
        readonly TimeProvider time;

        public JournalEntryWriter(Redactor redactor, TimeProvider time, string actor)
        {
            this.redactor = redactor ?? throw new ArgumentNullException(nameof(redactor));
            this.time = time ?? throw new ArgumentNullException(nameof(time));
            Actor = string.IsNullOrWhiteSpace(actor) ? DefaultActor() : actor;
        }

        public string Actor { get; }

        /// <summary>
        /// Who writes by default, and who holds the remediation lock: in a pod (KUBERNETES_SERVICE_HOST set) its service
        /// account, <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c>, as the API server names it; else user@host.
        /// </summary>
        public static string DefaultActor() => DefaultActor(RunbookEnvironment.Process);

        /// <summary>The default actor in <paramref name="environment"/> (its variables; the service account mount it names).</summary>
        public static string DefaultActor(RunbookEnvironment environment)
        {
            ArgumentNullException.ThrowIfNull(environment);
            if (InClusterConfig.ServiceAccountUser(environment) is { } serviceAccount)
            {
                return serviceAccount;
            }

            var user = Environment.UserName;
            var host = Environment.MachineName;
            return $"{(string.IsNullOrEmpty(user) ? "unknown" : user)}@{(string.IsNullOrEmpty(host) ? "unknown" : host.ToLowerInvariant())}";
        }

        public DateTimeOffset Now() => time.GetUtcNow().ToUniversalTime();

        /// <summary>The lines that open an incident: Opened, then the triage it came from, the commander and the impact when given.</summary>
        public IReadOnlyList<string> Opening(string incidentId, IncidentOpening opening)
        {
            var at = Now();
            var opened = Line(at, IncidentEntryKind.Opened, null, $"Opened for {opening.Target}: {opening.Category} ({opening.Severity}). {opening.Summary}".TrimEnd());
            opened[JournalFields.Journal] = FormatVersion;
            opened[JournalFields.Id] = incidentId;
            opened[JournalFields.Target] = TargetObject(opening.Target);
            opened[JournalFields.Category] = opening.Category.ToString();
            opened[JournalFields.Severity] = opening.Severity.ToString();
            var lines = new List<JObject> { opened };
            if (opening.Report != null)
            {
                lines.Add(Compose(at, IncidentRecord.Triage(opening.Report), null));
            }

            if (!string.IsNullOrWhiteSpace(opening.Commander))
            {
                lines.Add(Compose(at, IncidentRecord.CommanderChange(opening.Commander), null));
            }

            if (!string.IsNullOrWhiteSpace(opening.Impact))
            {
                lines.Add(Compose(at, IncidentRecord.ImpactChange(opening.Impact), null));
            }

            return lines.Select(Serialize).ToList();
        }

        /// <summary>The lines for records appended to <paramref name="current"/> (its state words the sentences: "Investigating -> Mitigated").</summary>
        public IReadOnlyList<string> Records(PostHogIncident current, IReadOnlyList<IncidentRecord> records)
        {
            var at = Now();
            return records.Select(record => Serialize(Compose(at, record, current))).ToList();
        }

        JObject Compose(DateTimeOffset at, IncidentRecord record, PostHogIncident? current)
        {
            switch (record.Kind)
            {
                case IncidentEntryKind.Triage:
                {
                    var report = record.Report!;
                    var line = Line(at, record.Kind, record.Actor, record.Message ?? $"Triage: {report.Summary}");
                    line[JournalFields.Report] = new JObject
                    {
                        [JournalFields.At] = Timestamp(report.StartedAt),
                        [JournalFields.Category] = report.Category.ToString(),
                        [JournalFields.Severity] = report.Severity.ToString(),
                        [JournalFields.RecommendedAction] = report.RecommendedAction.ToString(),
                        [JournalFields.Summary] = report.Summary,
                        [JournalFields.DecisionPath] = new JArray(report.DecisionPath.Cast<object>().ToArray()),
                        [JournalFields.DominantError] = report.DominantError,
                        [JournalFields.ErrorRatio] = report.ErrorRatio,
                    };
                    return line;
                }

                case IncidentEntryKind.Action:
                case IncidentEntryKind.ActionFailed:
                case IncidentEntryKind.Undo:
                {
                    var line = Line(at, record.Kind, record.Actor, record.Message ?? ActionSentence(record));
                    line[JournalFields.Action] = new JObject
                    {
                        [JournalFields.Action] = record.Action,
                        [JournalFields.Target] = record.ActionTarget,
                        [JournalFields.Container] = record.Container,
                        [JournalFields.Before] = record.Before,
                        [JournalFields.After] = record.After,
                        [JournalFields.Outcome] = record.Outcome.ToString(),
                        [JournalFields.Undo] = record.Undo,
                        [JournalFields.ErrorId] = record.ErrorId,
                    };
                    return line;
                }

                case IncidentEntryKind.StatusChanged:
                {
                    var status = record.Status!.Value;
                    var sentence = current == null || current.Status == status ? $"Status: {status}." : $"Status: {current.Status} -> {status}.";
                    var line = Line(at, record.Kind, record.Actor, string.IsNullOrWhiteSpace(record.Message) ? sentence : $"{sentence} {record.Message}");
                    line[JournalFields.Status] = status.ToString();
                    return line;
                }

                case IncidentEntryKind.Commander:
                {
                    var was = current?.Commander;
                    var line = Line(at, record.Kind, record.Actor, record.Message ?? (string.IsNullOrEmpty(was) ? $"Commander: {record.Text}." : $"Commander: {record.Text} (was {was})."));
                    line[JournalFields.Commander] = record.Text;
                    return line;
                }

                case IncidentEntryKind.Impact:
                {
                    var line = Line(at, record.Kind, record.Actor, record.Message ?? $"Impact: {record.Text}");
                    line[JournalFields.Impact] = record.Text;
                    return line;
                }

                case IncidentEntryKind.Notification:
                {
                    var line = Line(at, record.Kind, record.Actor, record.Channel == null ? record.Message! : $"{record.Channel}: {record.Message}");
                    if (record.Channel != null)
                    {
                        line[JournalFields.Channel] = record.Channel;
                    }

                    if (record.Succeeded is { } succeeded)
                    {
                        line[JournalFields.Notification] = new JObject
                        {
                            [JournalFields.Succeeded] = succeeded,
                            [JournalFields.HttpStatus] = record.HttpStatus,
                            [JournalFields.Attempts] = record.Attempts,
                            [JournalFields.ExternalId] = record.ExternalId,
                            [JournalFields.EventAction] = record.EventAction,
                            [JournalFields.ErrorId] = record.ErrorId,
                        };
                    }

                    return line;
                }

                default:
                    return Line(at, record.Kind, record.Actor, record.Message ?? record.Kind.ToString());
            }
        }

        static string ActionSentence(IncidentRecord record)
        {
            var where = record.ActionTarget == null ? string.Empty : $" on {record.ActionTarget}";
            var container = record.Container == null ? string.Empty : $" (container {record.Container})";
            var change = record.Before == null && record.After == null ? string.Empty : $": {record.Before ?? "(none)"} -> {record.After ?? "(none)"}";
            var verb = record.Kind == IncidentEntryKind.Undo ? "Undo " : string.Empty;
            var undo = record.Undo == null ? string.Empty : $" Undo: {record.Undo}";
            return $"{verb}{record.Action}{where}{container}{change} ({record.Outcome}).{undo}";
        }

        JObject Line(DateTimeOffset at, IncidentEntryKind kind, string? actor, string message)
            => new()
            {
                [JournalFields.At] = Timestamp(at),
                [JournalFields.Kind] = kind.ToString(),
                [JournalFields.Actor] = string.IsNullOrWhiteSpace(actor) ? Actor : actor,
                [JournalFields.Message] = message,
            };

        static JObject TargetObject(TriageTarget target)
            => new()
            {
                [nameof(TriageTarget.KubeConfig)] = target.KubeConfig,
                [nameof(TriageTarget.Context)] = target.Context,
                [nameof(TriageTarget.Namespace)] = target.Namespace,
                [nameof(TriageTarget.Deployment)] = target.Deployment,
                [nameof(TriageTarget.Selector)] = target.Selector,
                [nameof(TriageTarget.SecretName)] = target.SecretName,
                [nameof(TriageTarget.SecretKey)] = target.SecretKey,
                [nameof(TriageTarget.PostHogHost)] = target.PostHogHost,
                [nameof(TriageTarget.Region)] = target.Region.ToString(),
                [nameof(TriageTarget.StatusPageUrl)] = target.StatusPageUrl,
                [nameof(TriageTarget.HealthUrl)] = target.HealthUrl,
                [nameof(TriageTarget.PrometheusUrl)] = target.PrometheusUrl,
            };

        /// <summary>ISO 8601, UTC, to the tick: 2026-11-29T07:56:31.1234567Z.</summary>
        public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

        /// <summary>One line: nulls left out, every string value redacted (names are ours and hold nothing secret).</summary>
        string Serialize(JObject line)
        {
            Redact(line);
            return line.ToString(Formatting.None);
        }

        void Redact(JToken token)
        {
            switch (token)
            {
                case JObject obj:
                    foreach (var property in obj.Properties().ToList())
                    {
                        if (property.Value.Type == JTokenType.Null || property.Value is JValue { Value: null })
                        {
                            property.Remove();
                        }
                        else
                        {
                            Redact(property.Value);
                        }
                    }

                    break;
                case JArray array:
                    foreach (var item in array)
                    {
                        Redact(item);
                    }

                    break;
                case JValue { Type: JTokenType.String } value:
                    value.Value = redactor.Redact((string?)value.Value);
                    break;
            }
        }
    }
}
