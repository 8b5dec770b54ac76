using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Journal
{
    /// <summary>
    /// The journal as a folder of JSON-lines files, one per incident (&lt;id&gt;.jsonl). Writers take an
    /// exclusive lock on the folder's lock file (released by the OS if a writer dies), append whole lines in
    /// one write and flush them to disk; nothing is ever rewritten. Readers take no lock: a line still being
    /// written, or torn by a crash, is not a whole line and is skipped; the next append starts on a new line,
    /// so a torn line never swallows what follows.
    /// </summary>
    public sealed class FileIncidentJournal : IIncidentJournal
    {
        public const string FileExtension = ".jsonl";
        public const string LockFileName = ".journal.lock";

        static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

        readonly JournalEntryWriter writer;

        public FileIncidentJournal(string folder, Redactor redactor, TimeProvider time, string? actor = null)
        {
            if (string.IsNullOrWhiteSpace(folder))
            {
                throw new ArgumentException("The journal folder must be named.", nameof(folder));
            }

            Folder = Path.GetFullPath(folder);
            writer = new JournalEntryWriter(redactor, time, actor ?? JournalEntryWriter.DefaultActor());
        }

        public string Folder { get; }

        public string Location => Folder;

        public string Actor => writer.Actor;

        /// <summary>How long a writer waits for the lock before JournalLocked (writers hold it for milliseconds).</summary>
        public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

        /// <summary>The file that holds an incident.</summary>
        public string PathOf(string incidentId) => Path.Combine(Folder, RequireId(incidentId) + FileExtension);

        public async Task<PostHogIncident> OpenAsync(IncidentOpening opening, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(opening);
            using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
            var open = FindOpen(opening.Target, cancellationToken);
            if (open != null)
            {
                throw new RunbookException(
                    "IncidentAlreadyOpen",
                    RunbookErrorKind.InvalidOperation,
                    $"{opening.Target} already has an open incident, {open.Id} ({open.Status}, {open.Severity} {open.Category}, since {open.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm}Z).",
                    open.Id,
                    $"Add to it with Set-PostHogIncident -Id {open.Id}, or close it first with Set-PostHogIncident -Id {open.Id} -Status Resolved.");
            }

            return Create(opening);
        }

        public async Task<IncidentOpenResult> OpenOrContinueAsync(TriageReport report, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(report);
            using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
            var open = FindOpen(report.Target, cancellationToken);
            return open != null
                ? new IncidentOpenResult(Append(open.Id, new[] { IncidentRecord.Triage(report) }), isNew: false)
                : new IncidentOpenResult(Create(IncidentOpening.FromReport(report)), isNew: true);
        }

        public Task<PostHogIncident?> FindOpenAsync(TriageTarget target, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(target);
            return Task.FromResult(FindOpen(target, cancellationToken));
        }

        public async Task<PostHogIncident> AppendAsync(string incidentId, IReadOnlyList<IncidentRecord> records, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(records);
            var id = RequireId(incidentId);
            if (!File.Exists(Path.Combine(Folder, id + FileExtension)))
            {
                throw NotFound(incidentId);
            }

            using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
            return Append(id, records);
        }

        public Task<PostHogIncident> GetAsync(string incidentId, CancellationToken cancellationToken)
        {
            var id = IncidentIds.Normalize(incidentId);
            var incident = id == null ? null : Read(id);
            return incident != null ? Task.FromResult(incident) : Task.FromException<PostHogIncident>(NotFound(incidentId));
        }

        public Task<IReadOnlyList<PostHogIncident>> ListAsync(IReadOnlyCollection<IncidentStatus>? statuses, CancellationToken cancellationToken)
        {
            IReadOnlyList<PostHogIncident> incidents = ReadAll(cancellationToken)
                .Where(incident => statuses == null || statuses.Count == 0 || statuses.Contains(incident.Status))
                .OrderByDescending(incident => incident.StartedAt)
                .ThenByDescending(incident => incident.Id, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(incidents);
        }

        /// <summary>An incident's whole lines as stored (a torn line left out), for copying it into another store; IncidentNotFound for an unknown id.</summary>
        public IReadOnlyList<string> ReadLines(string incidentId)
        {
            var id = RequireId(incidentId);
            var path = Path.Combine(Folder, id + FileExtension);
            try
            {
                return File.ReadAllText(path, Utf8).Split('\n').Select(line => line.TrimEnd('\r')).Where(line => IncidentFold.TryParseLine(line, out _)).ToList();
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                throw NotFound(incidentId);
            }
        }

        PostHogIncident? FindOpen(TriageTarget target, CancellationToken cancellationToken)
            => ReadAll(cancellationToken)
                .Where(incident => incident.IsOpen && IncidentTargets.SameWorkload(incident.Target, target))
                .OrderByDescending(incident => incident.StartedAt)
                .FirstOrDefault();

        // Under the lock: a fresh id (the folder is ours alone while we hold it), the opening lines in one write.
        PostHogIncident Create(IncidentOpening opening)
        {
            string id;
            string path;
            do
            {
                id = IncidentIds.New(writer.Now());
                path = Path.Combine(Folder, id + FileExtension);
            }
            while (File.Exists(path));

            var lines = writer.Opening(id, opening);
            var bytes = Utf8.GetBytes(string.Join('\n', lines) + "\n");
            Guard(path, () =>
            {
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 4096, FileOptions.None);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            });
            return IncidentFold.Fold(id, IncidentFold.ParseLines(Utf8.GetString(bytes)))!;
        }

        // Under the lock: read what is there, append whole lines after it, flush, and return the incident with them.
        PostHogIncident Append(string id, IReadOnlyList<IncidentRecord> records)
        {
            var path = Path.Combine(Folder, id + FileExtension);
            return Guard(path, () =>
            {
                FileStream stream;
                try
                {
                    stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.None);
                }
                catch (FileNotFoundException)
                {
                    throw NotFound(id);
                }

                using (stream)
                {
                    var existing = new byte[stream.Length];
                    stream.ReadExactly(existing);
                    var content = Utf8.GetString(existing);
                    var current = IncidentFold.Fold(id, IncidentFold.ParseLines(content)) ?? throw NotFound(id);
                    if (records.Count == 0)
                    {
                        return current;
                    }

                    // A torn last line (a writer died mid-line) is closed off, so the new lines stand on their own.
                    var separator = existing.Length > 0 && existing[^1] != (byte)'\n' ? "\n" : string.Empty;
                    var added = separator + string.Join('\n', writer.Records(current, records)) + "\n";
                    stream.Seek(0, SeekOrigin.End);
                    stream.Write(Utf8.GetBytes(added));
                    stream.Flush(flushToDisk: true);
                    return IncidentFold.Fold(id, IncidentFold.ParseLines(content + added))!;
                }
            });
        }

        PostHogIncident? Read(string id)
        {
            var path = Path.Combine(Folder, id + FileExtension);
            string content;
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.None);
                using var reader = new StreamReader(stream, Utf8, detectEncodingFromByteOrderMarks: false);
                content = reader.ReadToEnd();
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new RunbookException("JournalUnreadable", ex is UnauthorizedAccessException ? RunbookErrorKind.PermissionDenied : RunbookErrorKind.ResourceUnavailable, $"The incident file '{path}' cannot be read: {ex.Message}", path);
            }

            return IncidentFold.Fold(id, IncidentFold.ParseLines(content));
        }

        IEnumerable<PostHogIncident> ReadAll(CancellationToken cancellationToken)
        {
            if (!Directory.Exists(Folder))
            {
                yield break;
            }

            foreach (var file in Directory.EnumerateFiles(Folder, "*" + FileExtension))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var id = IncidentIds.Normalize(Path.GetFileNameWithoutExtension(file));
                if (id != null && Read(id) is { } incident)
                {
                    yield return incident;
                }
            }
        }

        /// <summary>The folder's writer lock: an exclusive open of the lock file, retried with jitter until <see cref="LockTimeout"/>.</summary>
        async Task<FileStream> LockAsync(CancellationToken cancellationToken)
        {
            var path = Path.Combine(Folder, LockFileName);
            Guard(Folder, CreateFolder);
            var waited = Stopwatch.StartNew();
            var delay = 1;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                }
                catch (IOException ex) when (IsHeldByAnother(ex))
                {
                    if (waited.Elapsed > LockTimeout)
                    {
                        throw new RunbookException("JournalLocked", RunbookErrorKind.ResourceUnavailable, $"The incident journal '{Folder}' stayed locked by another writer for {LockTimeout.TotalSeconds:0} s.", Folder, $"Another PostHogRunbook command is writing to it; if none is, check what holds '{path}' open.");
                    }
                }
                catch (UnauthorizedAccessException ex)
                {
                    throw Unwritable(Folder, ex);
                }
                catch (IOException ex)
                {
                    throw new RunbookException("JournalUnwritable", RunbookErrorKind.ResourceUnavailable, $"The incident journal's lock file '{path}' cannot be opened: {ex.Message}", path);
                }

                await Task.Delay(Random.Shared.Next(delay, delay * 2 + 1), cancellationToken).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 25);
            }
        }

        // EWOULDBLOCK from flock on Linux (11) and macOS (35); sharing or lock violation on Windows.
        static bool IsHeldByAnother(IOException ex)
            => ex.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

        void CreateFolder()
        {
            if (Directory.Exists(Folder))
            {
                return;
            }

            // The default folder is the user's own: readable by its owner only. A folder the user names keeps its own rights.
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(Folder);
            }
            else
            {
                Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        static void Guard(string path, Action body) => Guard(path, () =>
        {
            body();
            return 0;
        });

        static T Guard<T>(string path, Func<T> body)
        {
            try
            {
                return body();
            }
            catch (UnauthorizedAccessException ex)
            {
                throw Unwritable(path, ex);
            }
            catch (IOException ex) when (ex is not FileNotFoundException)
            {
                throw new RunbookException("JournalUnwritable", RunbookErrorKind.ResourceUnavailable, $"The incident journal cannot be written at '{path}': {ex.Message}", path);
            }
        }

        static RunbookException Unwritable(string path, Exception ex)
            => new("JournalUnwritable", RunbookErrorKind.PermissionDenied, $"The incident journal cannot be written at '{path}': {ex.Message}", path, "Pass -JournalPath (or set POSTHOG_RUNBOOK_JOURNAL) to a folder you can write.");

        RunbookException NotFound(string? incidentId)
            => new(
                "IncidentNotFound",
                RunbookErrorKind.ObjectNotFound,
                IncidentIds.Normalize(incidentId) == null
                    ? $"'{incidentId}' is not an incident id (they look like 20261129-075631-k3f9x2)."
                    : $"There is no incident '{incidentId}' in the journal at '{Folder}'.",
                incidentId,
                "Get-PostHogIncident lists the incidents of this journal; -JournalPath reads another one.");

        string RequireId(string incidentId) => IncidentIds.Normalize(incidentId) ?? throw NotFound(incidentId);
    }
}
