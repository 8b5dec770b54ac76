using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using k8s.Models;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Journal
{
    /// <summary>
    /// The journal as ConfigMaps in the integration's namespace, shared by every machine that reaches the cluster.
    /// An incident is the ConfigMap posthog-incident-&lt;id&gt; whose data key journal.jsonl holds the very lines a
    /// FileIncidentJournal writes (JournalEntryWriter), folded the same way (IncidentFold). Appends replace the
    /// ConfigMap with the resourceVersion just read as precondition; a 409 means another writer won, and the
    /// append is composed again on what it wrote, after a jittered backoff. Near the size limit the last part is
    /// sealed (an annotation naming the next) and the lines go on in posthog-incident-&lt;id&gt;-2, -3...: sealing
    /// changes the part's resourceVersion, so no writer that read it before can still append to it, and the
    /// order of the lines is the order of the writes. Nothing is deleted or rewritten, only added.
    /// <para>
    /// One open incident per workload (namespace and deployment: kube context names are each user's own aliases
    /// of the cluster this store is in) is kept by a claim ConfigMap naming it, taken by create (the atomic step
    /// in Kubernetes: the loser gets AlreadyExists) and moved on, with a resourceVersion precondition, only when
    /// its incident is resolved. A claim whose incident does not exist (its writer died between the two creates)
    /// is completed by whoever finds it: the incident is created under the claimed id, and a late first writer
    /// finds it there and continues it.
    /// </para>
    /// </summary>
    public sealed class KubernetesIncidentJournal : IIncidentJournal
    {
        public const string ManagedByLabel = "app.kubernetes.io/managed-by";
        public const string ManagedByValue = "PostHogRunbook";
        public const string IncidentLabel = "posthog-runbook/incident";
        public const string PartLabel = "posthog-runbook/part";
        public const string RoleLabel = "posthog-runbook/role";
        public const string JournalRole = "journal";
        public const string ClaimRole = "claim";
        public const string ContinuedInAnnotation = "posthog-runbook/continued-in";
        public const string ClaimedByAnnotation = "posthog-runbook/claimed-by";
        public const string ClaimedAtAnnotation = "posthog-runbook/claimed-at";
        public const string DataKey = "journal.jsonl";
        public const string ClaimIncidentKey = "incident";
        public const string ClaimWorkloadKey = "workload";
        public const string IncidentPrefix = "posthog-incident-";
        public const string ClaimPrefix = "posthog-claim-";

        /// <summary>
        /// The data a part holds before the next one starts: the API server refuses more than 1 MiB (422), and the
        /// whole object (metadata, annotations) must fit in etcd's request too, so a margin of about 12% is left.
        /// </summary>
        public const int DefaultPartCapacityBytes = 900 * 1024;

        static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

        readonly IKubernetesGateway gateway;
        readonly JournalEntryWriter writer;
        long conflictRetries;

        internal KubernetesIncidentJournal(IKubernetesGateway gateway, Redactor redactor, TimeProvider time, string? actor = null)
        {
            this.gateway = gateway ?? throw new ArgumentNullException(nameof(gateway));
            writer = new JournalEntryWriter(redactor, time, actor ?? JournalEntryWriter.DefaultActor());
            Location = $"kubernetes://{(string.IsNullOrEmpty(gateway.Context) ? "in-cluster" : gateway.Context)}/{gateway.Namespace}";
        }

        /// <summary>kubernetes://&lt;context&gt;/&lt;namespace&gt;, for messages.</summary>
        public string Location { get; }

        public string Namespace => gateway.Namespace;

        public string Actor => writer.Actor;

        /// <summary>How many writes lost a race (409 Conflict, or a create AlreadyExists) and were tried again, in this journal's life.</summary>
        public long ConflictRetries => Interlocked.Read(ref conflictRetries);

        /// <summary>The data a part holds before the incident goes on in the next part.</summary>
        public int PartCapacityBytes { get; init; } = DefaultPartCapacityBytes;

        /// <summary>How many times one write is tried before JournalContended.</summary>
        public int MaxAttempts { get; init; } = 60;

        /// <summary>The first backoff after a lost race; it doubles up to <see cref="MaxBackoff"/>, each wait a random part of it.</summary>
        public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(10);

        public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMilliseconds(400);

        /// <summary>Each Kubernetes request's budget (the profile's TimeoutSec).</summary>
        public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

        /// <summary>The ConfigMap that holds part <paramref name="part"/> (1, 2, ...) of an incident.</summary>
        public static string ConfigMapName(string incidentId, int part = 1)
            => IncidentPrefix + incidentId + (part > 1 ? "-" + part.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty);

        /// <summary>The claim ConfigMap of a workload: posthog-claim-&lt;namespace&gt;.&lt;deployment&gt; (hashed when too long for a name).</summary>
        public static string ClaimName(string @namespace, string deployment)
        {
            var name = $"{ClaimPrefix}{@namespace}.{deployment}";
            if (name.Length <= 253)
            {
                return name;
            }

            var hash = Convert.ToHexString(SHA256.HashData(Utf8.GetBytes(@namespace + "/" + deployment)))[..16].ToLowerInvariant();
            return $"{ClaimPrefix}{hash}";
        }

        public async Task<PostHogIncident> OpenAsync(IncidentOpening opening, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(opening);
            var (incident, isNew) = await OpenOrFindAsync(opening.Target, () => opening, cancellationToken).ConfigureAwait(false);
            if (!isNew)
            {
                throw new RunbookException(
                    "IncidentAlreadyOpen",
                    RunbookErrorKind.InvalidOperation,
                    $"{opening.Target} already has an open incident, {incident.Id} ({incident.Status}, {incident.Severity} {incident.Category}, since {incident.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm}Z), in {Location}.",
                    incident.Id,
                    $"Add to it with Set-PostHogIncident -Id {incident.Id}, or close it first with Set-PostHogIncident -Id {incident.Id} -Status Resolved.");
            }

            return incident;
        }

        public async Task<IncidentOpenResult> OpenOrContinueAsync(TriageReport report, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(report);
            for (var attempt = 1; ; attempt++)
            {
                var (incident, isNew) = await OpenOrFindAsync(report.Target, () => IncidentOpening.FromReport(report), cancellationToken).ConfigureAwait(false);
                if (isNew)
                {
                    return new IncidentOpenResult(incident, isNew: true);
                }

                // Appended only while it is still open: resolved between the read and the write, the triage opens the next one.
                var continued = await AppendCoreAsync(incident.Id, current => writer.Records(current, new[] { IncidentRecord.Triage(report) }), requireOpen: true, cancellationToken).ConfigureAwait(false);
                if (continued != null)
                {
                    return new IncidentOpenResult(continued, isNew: false);
                }

                await LostRaceAsync(attempt, "open or continue the incident of " + report.Target, cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<PostHogIncident?> FindOpenAsync(TriageTarget target, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(target);
            var claim = await TryGetAsync(ClaimOf(target), cancellationToken).ConfigureAwait(false);
            if (ClaimedId(claim) is not { } id)
            {
                return null;
            }

            var incident = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
            return incident?.Incident is { IsOpen: true } open ? open : null;
        }

        public async Task<PostHogIncident> AppendAsync(string incidentId, IReadOnlyList<IncidentRecord> records, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(records);
            var id = RequireId(incidentId);
            return (await AppendCoreAsync(id, current => writer.Records(current, records), requireOpen: false, cancellationToken).ConfigureAwait(false))!;
        }

        public async Task<PostHogIncident> GetAsync(string incidentId, CancellationToken cancellationToken)
        {
            var id = RequireId(incidentId);
            var read = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
            return read?.Incident ?? throw NotFound(incidentId);
        }

        public async Task<IReadOnlyList<PostHogIncident>> ListAsync(IReadOnlyCollection<IncidentStatus>? statuses, CancellationToken cancellationToken)
        {
            var parts = await ListPartsAsync($"{ManagedByLabel}={ManagedByValue},{RoleLabel}={JournalRole}", cancellationToken).ConfigureAwait(false);
            return parts
                .GroupBy(part => part.IncidentId, StringComparer.Ordinal)
                .Select(group => IncidentFold.Fold(group.Key, IncidentFold.ParseLines(string.Concat(group.OrderBy(part => part.Number).Select(part => part.Text)))))
                .OfType<PostHogIncident>()
                .Where(incident => statuses == null || statuses.Count == 0 || statuses.Contains(incident.Status))
                .OrderByDescending(incident => incident.StartedAt)
                .ThenByDescending(incident => incident.Id, StringComparer.Ordinal)
                .ToList();
        }

        /// <summary>
        /// Puts an incident from another journal into this one, its lines as they are (times, actors, redactions
        /// kept). Already here with every line: nothing is written, <c>Copied</c> is false. Here with some of them
        /// (an interrupted copy, or entries added to the file since): the missing ones are appended. An open
        /// incident takes its workload's claim; another open incident holding it is IncidentAlreadyOpen, and
        /// nothing is written.
        /// </summary>
        public async Task<IncidentCopyResult> ImportAsync(PostHogIncident incident, IReadOnlyList<string> lines, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(incident);
            ArgumentNullException.ThrowIfNull(lines);
            var id = RequireId(incident.Id);
            var whole = lines.Where(line => IncidentFold.TryParseLine(line, out _)).ToList();
            var existing = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
            if (existing != null)
            {
                var have = new HashSet<string>(existing.Lines, StringComparer.Ordinal);
                if (whole.All(have.Contains))
                {
                    return new IncidentCopyResult(existing.Incident, copied: false, linesWritten: 0);
                }
            }

            if (incident.IsOpen)
            {
                var holder = await FindOpenAsync(incident.Target, cancellationToken).ConfigureAwait(false);
                if (holder != null && holder.Id != id)
                {
                    throw new RunbookException(
                        "IncidentAlreadyOpen",
                        RunbookErrorKind.InvalidOperation,
                        $"{incident.Target} already has an open incident in {Location}, {holder.Id} ({holder.Status}, since {holder.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm}Z): {id} is not copied, so that the workload keeps one open incident.",
                        id,
                        $"Resolve one of them first (Set-PostHogIncident -Id {holder.Id} -Status Resolved -JournalStore Kubernetes, or the same for {id} in its own journal), then copy again.");
                }
            }

            int written;
            if (existing == null)
            {
                written = await CreateFromLinesAsync(id, whole, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var have = new HashSet<string>(existing.Lines, StringComparer.Ordinal);
                var missing = whole.Where(line => !have.Contains(line)).ToList();
                await AppendCoreAsync(id, _ => missing, requireOpen: false, cancellationToken).ConfigureAwait(false);
                written = missing.Count;
            }

            var copied = (await ReadAsync(id, cancellationToken).ConfigureAwait(false))?.Incident ?? throw NotFound(id);
            if (copied.IsOpen)
            {
                await ClaimForAsync(copied, cancellationToken).ConfigureAwait(false);
            }

            return new IncidentCopyResult(copied, copied: true, linesWritten: written);
        }

        // The incident that the target's claim names, opened from opening() when there is none (isNew).
        async Task<(PostHogIncident Incident, bool IsNew)> OpenOrFindAsync(TriageTarget target, Func<IncidentOpening> opening, CancellationToken cancellationToken)
        {
            var (claimName, workload) = ClaimOf(target);
            for (var attempt = 1; ; attempt++)
            {
                var claim = await TryGetAsync((claimName, workload), cancellationToken).ConfigureAwait(false);
                string id;
                if (claim == null)
                {
                    id = IncidentIds.New(writer.Now());
                    if (!await TryCreateAsync(ClaimMap(claimName, workload, id), cancellationToken).ConfigureAwait(false))
                    {
                        await LostRaceAsync(attempt, "claim " + workload, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }
                else
                {
                    id = ClaimedId(claim) ?? string.Empty;
                    var claimed = id.Length == 0 ? null : await ReadAsync(id, cancellationToken).ConfigureAwait(false);
                    if (claimed?.Incident is { IsOpen: true } open)
                    {
                        return (open, false);
                    }

                    if (claimed != null || id.Length == 0)
                    {
                        // Its incident is resolved: the claim moves on to a new one, only if nobody moved it first.
                        id = IncidentIds.New(writer.Now());
                        claim.Data ??= new Dictionary<string, string>();
                        claim.Data[ClaimIncidentKey] = id;
                        Stamp(claim);
                        if (!await TryReplaceAsync(claim, cancellationToken).ConfigureAwait(false))
                        {
                            await LostRaceAsync(attempt, "claim " + workload, cancellationToken).ConfigureAwait(false);
                            continue;
                        }
                    }

                    // else: the claim names an incident not created yet (its writer is creating it, or died): create it.
                }

                var lines = writer.Opening(id, opening());
                if (await TryCreateAsync(PartMap(id, 1, string.Join('\n', lines) + "\n", continuedIn: null), cancellationToken).ConfigureAwait(false))
                {
                    return (Fold(id, lines), true);
                }

                // Another writer created the claimed incident first: it is the one to continue.
                await LostRaceAsync(attempt, "open the incident of " + workload, cancellationToken).ConfigureAwait(false);
            }
        }

        // The claim of a copied open incident: taken when free, moved on from a resolved or missing incident; a holder that is open stays.
        async Task ClaimForAsync(PostHogIncident incident, CancellationToken cancellationToken)
        {
            var (claimName, workload) = ClaimOf(incident.Target);
            for (var attempt = 1; ; attempt++)
            {
                var claim = await TryGetAsync((claimName, workload), cancellationToken).ConfigureAwait(false);
                if (claim == null)
                {
                    if (await TryCreateAsync(ClaimMap(claimName, workload, incident.Id), cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                else
                {
                    var held = ClaimedId(claim);
                    if (held == incident.Id)
                    {
                        return;
                    }

                    var holder = held == null ? null : await ReadAsync(held, cancellationToken).ConfigureAwait(false);
                    if (holder?.Incident is { IsOpen: true })
                    {
                        return;
                    }

                    if (holder == null && held != null)
                    {
                        // Claimed by a writer still creating its incident: it wins, ours stays unclaimed but whole.
                        return;
                    }

                    claim.Data ??= new Dictionary<string, string>();
                    claim.Data[ClaimIncidentKey] = incident.Id;
                    Stamp(claim);
                    if (await TryReplaceAsync(claim, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                await LostRaceAsync(attempt, "claim " + workload, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// The append loop: read every part, compose the lines on what is there, write them into the last part
        /// (or seal it and start the next) with the resourceVersion read; a lost race reads again. Null only when
        /// <paramref name="requireOpen"/> and the incident is resolved at the moment of the write.
        /// </summary>
        async Task<PostHogIncident?> AppendCoreAsync(string id, Func<PostHogIncident, IReadOnlyList<string>> compose, bool requireOpen, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                var read = await ReadAsync(id, cancellationToken).ConfigureAwait(false) ?? throw NotFound(id);
                if (requireOpen && !read.Incident.IsOpen)
                {
                    return null;
                }

                var lines = compose(read.Incident);
                if (lines.Count == 0)
                {
                    return read.Incident;
                }

                var added = string.Join('\n', lines) + "\n";
                var addedBytes = Utf8.GetByteCount(added);
                if (addedBytes > PartCapacityBytes)
                {
                    throw new RunbookException(
                        "JournalEntryTooLarge",
                        RunbookErrorKind.InvalidArgument,
                        $"The entry for incident {id} is {addedBytes / 1024} KiB: more than a ConfigMap of {Location} can hold ({PartCapacityBytes / 1024} KiB). Nothing was written.",
                        id,
                        "Shorten the note (attach large evidence with Export-PostHogIncidentBundle instead).");
                }

                var tail = read.Parts[^1];
                bool won;
                if (tail.ContinuedIn == null && tail.Bytes + addedBytes <= PartCapacityBytes)
                {
                    var separator = tail.Text.Length > 0 && !tail.Text.EndsWith('\n') ? "\n" : string.Empty;
                    tail.Map.Data ??= new Dictionary<string, string>();
                    tail.Map.Data[DataKey] = tail.Text + separator + added;
                    won = await TryReplaceAsync(tail.Map, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Sealed first, so that no writer holding the old resourceVersion can append behind the new part.
                    var next = ConfigMapName(id, tail.Number + 1);
                    won = true;
                    if (tail.ContinuedIn == null)
                    {
                        tail.Map.Metadata.Annotations ??= new Dictionary<string, string>();
                        tail.Map.Metadata.Annotations[ContinuedInAnnotation] = next;
                        won = await TryReplaceAsync(tail.Map, cancellationToken).ConfigureAwait(false);
                    }

                    won = won && await TryCreateAsync(PartMap(id, tail.Number + 1, added, continuedIn: null), cancellationToken).ConfigureAwait(false);
                }

                if (won)
                {
                    return Fold(id, read.Lines.Concat(lines));
                }

                await LostRaceAsync(attempt, "append to incident " + id, cancellationToken).ConfigureAwait(false);
            }
        }

        // A new incident from whole lines: as many parts as they need, each but the last sealed with the name of the next.
        async Task<int> CreateFromLinesAsync(string id, List<string> lines, CancellationToken cancellationToken)
        {
            var chunks = new List<StringBuilder> { new() };
            var size = 0;
            foreach (var line in lines)
            {
                var bytes = Utf8.GetByteCount(line) + 1;
                if (bytes > PartCapacityBytes)
                {
                    throw new RunbookException("JournalEntryTooLarge", RunbookErrorKind.InvalidArgument, $"An entry of incident {id} is {bytes / 1024} KiB: more than a ConfigMap of {Location} can hold. Nothing was copied.", id);
                }

                if (size + bytes > PartCapacityBytes)
                {
                    chunks.Add(new StringBuilder());
                    size = 0;
                }

                chunks[^1].Append(line).Append('\n');
                size += bytes;
            }

            for (var part = 1; part <= chunks.Count; part++)
            {
                var continuedIn = part < chunks.Count ? ConfigMapName(id, part + 1) : null;
                if (!await TryCreateAsync(PartMap(id, part, chunks[part - 1].ToString(), continuedIn), cancellationToken).ConfigureAwait(false))
                {
                    throw new RunbookException("IncidentCopyConflict", RunbookErrorKind.InvalidOperation, $"Incident {id} appeared in {Location} while it was being copied: nothing of it was overwritten.", id, "Copy it again: the lines still missing are appended.");
                }
            }

            return lines.Count;
        }

        sealed record Part(V1ConfigMap Map, string IncidentId, int Number, string Text, int Bytes, string? ContinuedIn);

        sealed record Stored(PostHogIncident Incident, IReadOnlyList<Part> Parts, IReadOnlyList<string> Lines);

        async Task<Stored?> ReadAsync(string id, CancellationToken cancellationToken)
        {
            var parts = await ListPartsAsync($"{ManagedByLabel}={ManagedByValue},{IncidentLabel}={id}", cancellationToken).ConfigureAwait(false);
            var ordered = parts.Where(part => part.IncidentId == id).OrderBy(part => part.Number).ToList();
            if (ordered.Count == 0)
            {
                return null;
            }

            var lines = new List<string>();
            foreach (var part in ordered)
            {
                lines.AddRange(WholeLines(part.Text));
            }

            var incident = IncidentFold.Fold(id, lines.Select(line => IncidentFold.TryParseLine(line, out var parsed) ? parsed : null).OfType<Newtonsoft.Json.Linq.JObject>());
            return incident == null ? null : new Stored(incident, ordered, lines);
        }

        async Task<IReadOnlyList<Part>> ListPartsAsync(string selector, CancellationToken cancellationToken)
        {
            var maps = await CallAsync(token => gateway.ListConfigMapsAsync(selector, token), "list", cancellationToken).ConfigureAwait(false);
            var parts = new List<Part>();
            foreach (var map in maps)
            {
                var labels = map.Metadata?.Labels;
                if (labels == null || !labels.TryGetValue(IncidentLabel, out var incidentId) || IncidentIds.Normalize(incidentId) != incidentId
                    || !labels.TryGetValue(RoleLabel, out var role) || role != JournalRole)
                {
                    continue;
                }

                var number = labels.TryGetValue(PartLabel, out var partText) && int.TryParse(partText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : 1;
                var text = map.Data != null && map.Data.TryGetValue(DataKey, out var data) ? data ?? string.Empty : string.Empty;
                var continuedIn = map.Metadata!.Annotations != null && map.Metadata.Annotations.TryGetValue(ContinuedInAnnotation, out var next) ? next : null;
                parts.Add(new Part(map, incidentId, number, text, Utf8.GetByteCount(text), continuedIn));
            }

            return parts;
        }

        static IEnumerable<string> WholeLines(string text)
            => text.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0 && IncidentFold.TryParseLine(line, out _));

        static PostHogIncident Fold(string id, IEnumerable<string> lines)
            => IncidentFold.Fold(id, IncidentFold.ParseLines(string.Join('\n', lines)))!;

        V1ConfigMap PartMap(string id, int part, string text, string? continuedIn)
        {
            var map = new V1ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Metadata = new V1ObjectMeta
                {
                    Name = ConfigMapName(id, part),
                    NamespaceProperty = gateway.Namespace,
                    Labels = new Dictionary<string, string>
                    {
                        [ManagedByLabel] = ManagedByValue,
                        [IncidentLabel] = id,
                        [PartLabel] = part.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        [RoleLabel] = JournalRole,
                    },
                },
                Data = new Dictionary<string, string> { [DataKey] = text },
            };
            if (continuedIn != null)
            {
                map.Metadata.Annotations = new Dictionary<string, string> { [ContinuedInAnnotation] = continuedIn };
            }

            return map;
        }

        V1ConfigMap ClaimMap(string name, string workload, string id)
        {
            var map = new V1ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    NamespaceProperty = gateway.Namespace,
                    Labels = new Dictionary<string, string> { [ManagedByLabel] = ManagedByValue, [RoleLabel] = ClaimRole },
                },
                Data = new Dictionary<string, string> { [ClaimIncidentKey] = id, [ClaimWorkloadKey] = workload },
            };
            Stamp(map);
            return map;
        }

        void Stamp(V1ConfigMap claim)
        {
            claim.Metadata.Annotations ??= new Dictionary<string, string>();
            claim.Metadata.Annotations[ClaimedByAnnotation] = writer.Actor;
            claim.Metadata.Annotations[ClaimedAtAnnotation] = JournalEntryWriter.Timestamp(writer.Now());
        }

        (string Name, string Workload) ClaimOf(TriageTarget target)
        {
            var @namespace = string.IsNullOrWhiteSpace(target.Namespace) ? gateway.Namespace : target.Namespace!;
            var deployment = string.IsNullOrWhiteSpace(target.Deployment) ? "posthog-integration" : target.Deployment!;
            return (ClaimName(@namespace, deployment), $"{@namespace}/{deployment}");
        }

        static string? ClaimedId(V1ConfigMap? claim)
            => claim?.Data != null && claim.Data.TryGetValue(ClaimIncidentKey, out var id) ? IncidentIds.Normalize(id) : null;

        async Task<V1ConfigMap?> TryGetAsync((string Name, string Workload) claim, CancellationToken cancellationToken)
        {
            try
            {
                return await CallAsync(token => gateway.GetConfigMapAsync(claim.Name, token), "get", cancellationToken).ConfigureAwait(false);
            }
            catch (RunbookException ex) when (ex.ErrorId == "KubernetesNotFound")
            {
                return null;
            }
        }

        async Task<bool> TryCreateAsync(V1ConfigMap map, CancellationToken cancellationToken)
        {
            try
            {
                await CallAsync(token => gateway.CreateConfigMapAsync(map, token), "create", cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RunbookException ex) when (ex.ErrorId == "KubernetesAlreadyExists")
            {
                return false;
            }
        }

        async Task<bool> TryReplaceAsync(V1ConfigMap map, CancellationToken cancellationToken)
        {
            try
            {
                await CallAsync(token => gateway.ReplaceConfigMapAsync(map, token), "update", cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RunbookException ex) when (ex.ErrorId == "KubernetesConflict" || ex.ErrorId == "KubernetesNotFound")
            {
                return false;
            }
        }

        /// <summary>Counts the lost race and waits a random part of a doubling backoff; past <see cref="MaxAttempts"/>, JournalContended.</summary>
        async Task LostRaceAsync(int attempt, string what, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref conflictRetries);
            if (attempt >= MaxAttempts)
            {
                throw new RunbookException(
                    "JournalContended",
                    RunbookErrorKind.ResourceUnavailable,
                    $"Could not {what} in {Location}: {attempt} tries each lost the race to another writer (409 Conflict). Nothing of this entry was written.",
                    what,
                    "Other writers are appending to the same incident without pause; try again in a moment.");
            }

            var ceiling = Math.Min(MaxBackoff.TotalMilliseconds, FirstBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16)));
            var wait = TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>One Kubernetes call with the whole request timeout; RBAC's refusal says what the journal needs.</summary>
        async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, string verb, CancellationToken cancellationToken)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(RequestTimeout);
            try
            {
                return await call(bounded.Token).ConfigureAwait(false);
            }
            catch (RunbookException ex) when (ex.ErrorId == "KubernetesForbidden")
            {
                throw new RunbookException(
                    "KubernetesForbidden",
                    RunbookErrorKind.PermissionDenied,
                    $"The incident journal in {Location} cannot {verb} configmaps: {ex.Message} The journal needs get, list, create and update on configmaps in the namespace (deploy/role-remediate.yaml, deploy/role-triage.yaml); or use JournalStore File.",
                    ex.Target,
                    ex.Details,
                    ex);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RunbookException("KubernetesTimedOut", RunbookErrorKind.OperationTimeout, $"The Kubernetes API gave no answer within {RequestTimeout.TotalSeconds:0} s to {verb} the journal's configmaps in {Location}.", Location);
            }
        }

        RunbookException NotFound(string? incidentId)
            => new(
                "IncidentNotFound",
                RunbookErrorKind.ObjectNotFound,
                IncidentIds.Normalize(incidentId) == null
                    ? $"'{incidentId}' is not an incident id (they look like 20261129-075631-k3f9x2)."
                    : $"There is no incident '{incidentId}' in the journal at {Location}.",
                incidentId,
                "Get-PostHogIncident lists the incidents of this journal; -JournalStore File reads the file journal.");

        string RequireId(string incidentId) => IncidentIds.Normalize(incidentId) ?? throw NotFound(incidentId);
    }

    /// <summary>What copying an incident into another journal did.</summary>
    public sealed class IncidentCopyResult
    {
        public IncidentCopyResult(PostHogIncident incident, bool copied, int linesWritten)
        {
            Incident = incident;
            Copied = copied;
            LinesWritten = linesWritten;
        }

        /// <summary>The incident as the destination holds it.</summary>
        public PostHogIncident Incident { get; }

        /// <summary>False when the destination already held every line: nothing was written.</summary>
        public bool Copied { get; }

        public int LinesWritten { get; }
    }
}
