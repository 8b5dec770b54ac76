using System.Text;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Journal
{
    public class FileIncidentJournalTests
    {
        [Fact]
        public async Task A_torn_last_line_is_ignored_and_never_swallows_the_next_append()
        {
            using var world = new JournalTestWorld();
            var journal = world.Journal();
            var incident = await journal.OpenAsync(IncidentOpening.FromReport(world.Report()), default);
            await journal.AppendAsync(incident.Id, IncidentRecord.Note("Before the crash."), default);
            var path = journal.PathOf(incident.Id);
            var whole = File.ReadAllBytes(path);

            // A writer died half-way through a line: half a JSON object, no newline.
            var torn = Encoding.UTF8.GetBytes("{\"At\":\"2026-11-29T08:00:00.0000000Z\",\"Kind\":\"Note\",\"Actor\":\"sre@other\",\"Message\":\"Half wri");
            using (var stream = new FileStream(path, FileMode.Append, FileAccess.Write))
            {
                stream.Write(torn);
            }

            var afterCrash = await world.Journal().GetAsync(incident.Id, default);
            Assert.Equal(new[] { IncidentEntryKind.Opened, IncidentEntryKind.Triage, IncidentEntryKind.Note }, afterCrash.Timeline.Select(e => e.Kind));
            Assert.Equal("Before the crash.", afterCrash.Timeline[^1].Message);

            var appended = await world.Journal().AppendAsync(incident.Id, IncidentRecord.Note("After the crash."), default);
            var read = await world.Journal().GetAsync(incident.Id, default);

            Assert.Equal(new[] { "Before the crash.", "After the crash." }, read.Timeline.Where(e => e.Kind == IncidentEntryKind.Note).Select(e => e.Message));
            Assert.Equal(appended.Timeline.Count, read.Timeline.Count);
            // Nothing was rewritten: the file starts with exactly what it held before, then the torn bytes.
            var now = File.ReadAllBytes(path);
            Assert.Equal(whole.Concat(torn).ToArray(), now.Take(whole.Length + torn.Length).ToArray());
            Assert.Equal((byte)'\n', now[^1]);
        }

        [Fact]
        public async Task Lines_from_a_newer_version_are_read_without_breaking_the_incident()
        {
            using var world = new JournalTestWorld();
            var journal = world.Journal();
            var incident = await journal.OpenAsync(IncidentOpening.FromReport(world.Report()), default);
            File.AppendAllText(journal.PathOf(incident.Id), string.Join('\n',
                "{\"At\":\"2026-11-29T08:00:00Z\",\"Kind\":\"LeaseTakenOver\",\"Actor\":\"ci@runner\",\"Message\":\"Took over the remediation lease.\",\"Lease\":{\"Holder\":\"bob\"}}",
                "{\"At\":\"2026-11-29T08:01:00Z\",\"Kind\":\"StatusChanged\",\"Actor\":\"ci@runner\",\"Message\":\"Status: Postmortem.\",\"Status\":\"Postmortem\"}",
                "{\"At\":\"2026-11-29T08:02:00Z\",\"Kind\":\"Action\",\"Actor\":\"ci@runner\",\"Message\":\"Scaled.\",\"Action\":{\"Action\":\"Scale\",\"Outcome\":\"PartlyApplied\",\"Replicas\":5}}",
                "{\"At\":\"2026-11-29T08:03:00Z\",\"Kind\":\"Triage\",\"Actor\":\"ci@runner\",\"Message\":\"Triage.\",\"Report\":{\"Category\":\"NewCategory\",\"Severity\":\"P0\",\"Summary\":\"s\"}}",
                "{\"At\":\"2026-11-29T08:04:00Z\",\"Kind\":7,\"Actor\":\"ci@runner\",\"Message\":\"A kind as a number.\"}",
                "[1,2,3]",
                "{\"Kind\":\"Note\",\"Message\":\"no time: not an entry\"}",
                "{\"At\":\"2026-11-29T08:05:00Z\",\"Kind\":\"Note\",\"Actor\":\"ci@runner\",\"Message\":\"Still readable.\"}") + "\n");

            var read = await world.Journal().GetAsync(incident.Id, default);

            Assert.Equal(
                new[] { IncidentEntryKind.Opened, IncidentEntryKind.Triage, IncidentEntryKind.Unknown, IncidentEntryKind.StatusChanged, IncidentEntryKind.Action, IncidentEntryKind.Triage, IncidentEntryKind.Unknown, IncidentEntryKind.Note },
                read.Timeline.Select(e => e.Kind));
            Assert.Equal("Took over the remediation lease.", read.Timeline[2].Message);
            Assert.Equal(IncidentStatus.Investigating, read.Status);
            Assert.Equal(RemediationOutcome.Unknown, Assert.Single(read.Actions).Outcome);
            Assert.Equal((TriageCategory.Unknown, IncidentSeverity.None), (read.Reports[^1].Category, read.Reports[^1].Severity));
            Assert.Equal((IncidentSeverity.P1, TriageCategory.PostHogOutage), (read.Severity, read.Category));
            Assert.Equal("Still readable.", read.Timeline[^1].Message);

            var appended = await world.Journal().AppendAsync(incident.Id, IncidentRecord.StatusChange(IncidentStatus.Mitigated), default);
            Assert.Equal(IncidentStatus.Mitigated, appended.Status);
        }

        [Fact]
        public async Task A_planted_key_never_reaches_the_file()
        {
            using var world = new JournalTestWorld();
            const string projectKey = "phc_PlantedKey0123456789abcdefghijklmnopqrstu";
            const string personalKey = "phx_PersonalKey0123456789abcdefghijklmn";
            const string secretValue = "value-read-from-the-kubernetes-secret-8f3a";
            world.Redactor.AddSecret(secretValue);
            var journal = world.Journal();
            var incident = await journal.OpenAsync(
                new IncidentOpening(JournalTestWorld.Target(), IncidentSeverity.P1, TriageCategory.Authentication, $"Key {projectKey} rejected by /flags") { Impact = $"Everything using {projectKey} fails" },
                default);

            await journal.AppendAsync(
                incident.Id,
                new[]
                {
                    IncidentRecord.Note($"Tried curl -H 'Authorization: Bearer {personalKey}' and api_key={projectKey}"),
                    IncidentRecord.ImpactChange($"All capture with {projectKey} is refused"),
                    IncidentRecord.CommanderChange($"alice {personalKey}"),
                    IncidentRecord.ActionTaken("RotateApiKey", "secret/posthog-secrets", null, $"api-key {secretValue}", "api-key phc_…9xyz", RemediationOutcome.Applied, $"restore {secretValue}"),
                    IncidentRecord.Triage(world.Report(summary: $"Authentication (P1): /flags rejects {projectKey}")),
                },
                default);

            var bytes = File.ReadAllText(journal.PathOf(incident.Id));
            foreach (var secret in new[] { "PlantedKey0123", "PersonalKey0123", secretValue })
            {
                Assert.DoesNotContain(secret, bytes, StringComparison.Ordinal);
            }

            Assert.Contains("phc_[REDACTED]", bytes, StringComparison.Ordinal);
            var read = await world.Journal().GetAsync(incident.Id, default);
            Assert.Contains("[REDACTED]", read.Impact, StringComparison.Ordinal);
            Assert.Contains("phc_…9xyz", read.Actions[0].After, StringComparison.Ordinal);
            Assert.DoesNotContain(read.Timeline, e => e.Message.Contains("PlantedKey", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Many_writers_at_once_lose_no_entry()
        {
            using var world = new JournalTestWorld();
            var incident = await world.Journal().OpenAsync(IncidentOpening.FromReport(world.Report()), default);
            const int writers = 8;
            const int notesEach = 25;

            // Each writer its own journal instance, as separate shells would be: they meet only at the lock file.
            await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
            {
                var journal = new FileIncidentJournal(world.Folder, new PostHogRunbook.Engine.Redaction.Redactor(), TimeProvider.System, $"writer{writer}@test");
                for (var note = 0; note < notesEach; note++)
                {
                    await journal.AppendAsync(incident.Id, IncidentRecord.Note($"writer {writer} note {note}"), default);
                }
            })));

            var read = await world.Journal().GetAsync(incident.Id, default);
            var notes = read.Timeline.Where(e => e.Kind == IncidentEntryKind.Note).Select(e => e.Message).ToList();
            Assert.Equal(writers * notesEach, notes.Count);
            Assert.Equal(writers * notesEach, notes.Distinct().Count());
            foreach (var writer in Enumerable.Range(0, writers))
            {
                // Each writer's own notes stay in its order.
                var own = read.Timeline.Where(e => e.Actor == $"writer{writer}@test").Select(e => e.Message).ToList();
                Assert.Equal(Enumerable.Range(0, notesEach).Select(n => $"writer {writer} note {n}"), own);
            }

            var lines = File.ReadAllText(world.Journal().PathOf(incident.Id)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(read.Timeline.Count, lines.Length);
            Assert.All(lines, line => Assert.True(IncidentFold.TryParseLine(line, out _), line));
        }

        [Fact]
        public async Task A_writer_waits_for_the_lock_and_writes_nothing_while_another_holds_it()
        {
            using var world = new JournalTestWorld();
            var incident = await world.Journal().OpenAsync(IncidentOpening.FromReport(world.Report()), default);
            var path = world.Journal().PathOf(incident.Id);
            var before = File.ReadAllBytes(path);
            var impatient = new FileIncidentJournal(world.Folder, world.Redactor, world.Clock) { LockTimeout = TimeSpan.FromMilliseconds(200) };

            // Another writer (here: the test) holds the folder's lock, as a second shell mid-append would.
            using (new FileStream(Path.Combine(world.Folder, FileIncidentJournal.LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                var locked = await Assert.ThrowsAsync<RunbookException>(() => impatient.AppendAsync(incident.Id, IncidentRecord.Note("while locked"), default));
                Assert.Equal(("JournalLocked", RunbookErrorKind.ResourceUnavailable), (locked.ErrorId, locked.Kind));
                var opening = await Assert.ThrowsAsync<RunbookException>(() => impatient.OpenOrContinueAsync(world.Report(JournalTestWorld.Target("prod-eu")), default));
                Assert.Equal("JournalLocked", opening.ErrorId);
                Assert.Equal(before, File.ReadAllBytes(path));
                Assert.Single(world.Files());
            }

            var appended = await impatient.AppendAsync(incident.Id, IncidentRecord.Note("after the lock"), default);
            Assert.Equal("after the lock", appended.Timeline[^1].Message);
        }

        [Fact]
        public async Task Two_triages_of_one_target_at_once_end_in_one_incident()
        {
            using var world = new JournalTestWorld();

            var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => world.Journal().OpenOrContinueAsync(world.Report(), default))));

            Assert.Single(world.Files());
            Assert.Single(results, r => r.IsNew);
            Assert.Single(results.Select(r => r.Incident.Id).Distinct());
            Assert.Equal(6, (await world.Journal().GetAsync(results[0].Incident.Id, default)).Reports.Count);
        }

        [Fact]
        public async Task The_open_incident_is_found_by_context_namespace_and_deployment()
        {
            using var world = new JournalTestWorld();
            var journal = world.Journal();
            var usProd = await journal.OpenAsync(IncidentOpening.FromReport(world.Report(JournalTestWorld.Target("prod-us"))), default);
            var euProd = await journal.OpenAsync(IncidentOpening.FromReport(world.Report(JournalTestWorld.Target("prod-eu"))), default);
            var resolved = await journal.OpenAsync(IncidentOpening.FromReport(world.Report(JournalTestWorld.Target("prod-us", "staging"))), default);
            await journal.AppendAsync(resolved.Id, IncidentRecord.StatusChange(IncidentStatus.Resolved), default);

            Assert.Equal(usProd.Id, (await journal.FindOpenAsync(JournalTestWorld.Target("prod-us"), default))?.Id);
            Assert.Equal(euProd.Id, (await journal.FindOpenAsync(JournalTestWorld.Target("prod-eu"), default))?.Id);
            Assert.Null(await journal.FindOpenAsync(JournalTestWorld.Target("prod-us", "staging"), default));
            Assert.Null(await journal.FindOpenAsync(JournalTestWorld.Target("prod-us", "posthog", "other-deployment"), default));
            Assert.Null(await journal.FindOpenAsync(JournalTestWorld.Target("prod-ap"), default));

            // One open incident per workload: a second opening is refused and names the first; a triage continues it.
            var refused = await Assert.ThrowsAsync<RunbookException>(() => journal.OpenAsync(IncidentOpening.FromReport(world.Report(JournalTestWorld.Target("prod-us"))), default));
            Assert.Equal("IncidentAlreadyOpen", refused.ErrorId);
            Assert.Contains(usProd.Id, refused.Message, StringComparison.Ordinal);
            var continued = await journal.OpenOrContinueAsync(world.Report(JournalTestWorld.Target("prod-us")), default);
            Assert.False(continued.IsNew);
            Assert.Equal(usProd.Id, continued.Incident.Id);
            Assert.Equal(2, continued.Incident.Reports.Count);

            // A resolved workload gets a new incident.
            var reopened = await journal.OpenOrContinueAsync(world.Report(JournalTestWorld.Target("prod-us", "staging")), default);
            Assert.True(reopened.IsNew);
            Assert.NotEqual(resolved.Id, reopened.Incident.Id);
        }

        [Fact]
        public async Task Lists_newest_first_and_by_status()
        {
            using var world = new JournalTestWorld();
            var journal = world.Journal();
            var ids = new List<string>();
            foreach (var context in new[] { "a", "b", "c", "d" })
            {
                ids.Add((await journal.OpenAsync(IncidentOpening.FromReport(world.Report(JournalTestWorld.Target(context))), default)).Id);
                world.Clock.Advance(TimeSpan.FromMinutes(7));
            }

            // Later entries in an older incident do not move it up: the order is by when each started.
            await journal.AppendAsync(ids[0], IncidentRecord.StatusChange(IncidentStatus.Resolved), default);
            await journal.AppendAsync(ids[2], IncidentRecord.StatusChange(IncidentStatus.Mitigated), default);

            var all = await world.Journal().ListAsync(null, default);
            Assert.Equal(Enumerable.Reverse(ids), all.Select(i => i.Id));
            Assert.Equal(Enumerable.Reverse(ids), ids.OrderByDescending(id => id, StringComparer.Ordinal));
            Assert.Equal(new[] { ids[2], ids[0] }, (await journal.ListAsync(new[] { IncidentStatus.Resolved, IncidentStatus.Mitigated }, default)).Select(i => i.Id));
            Assert.Equal(new[] { ids[3], ids[1] }, (await journal.ListAsync(new[] { IncidentStatus.Investigating }, default)).Select(i => i.Id));
        }

        [Fact]
        public async Task An_empty_or_missing_folder_lists_nothing()
        {
            using var world = new JournalTestWorld();

            Assert.Empty(await world.Journal().ListAsync(null, default));
            Assert.False(Directory.Exists(world.Folder));
        }

        [Theory]
        [InlineData("20261129-075631-zzzzzz")]
        [InlineData("../../etc/passwd")]
        [InlineData("*")]
        [InlineData("")]
        public async Task An_unknown_id_is_IncidentNotFound_for_reads_and_appends(string id)
        {
            using var world = new JournalTestWorld();
            var journal = world.Journal();
            await journal.OpenAsync(IncidentOpening.FromReport(world.Report()), default);

            var read = await Assert.ThrowsAsync<RunbookException>(() => journal.GetAsync(id, default));
            var append = await Assert.ThrowsAsync<RunbookException>(() => journal.AppendAsync(id, IncidentRecord.Note("x"), default));

            Assert.Equal(("IncidentNotFound", RunbookErrorKind.ObjectNotFound), (read.ErrorId, read.Kind));
            Assert.Equal("IncidentNotFound", append.ErrorId);
            Assert.Single(world.Files());
        }

        [Fact]
        public async Task Ids_are_short_sortable_by_time_and_unique()
        {
            using var world = new JournalTestWorld();
            var start = new DateTimeOffset(2026, 11, 29, 7, 56, 31, TimeSpan.Zero);
            var ids = Enumerable.Range(0, 2000).Select(i => IncidentIds.New(start.AddSeconds(i / 10))).ToList();

            Assert.All(ids, id => Assert.Matches("^[0-9]{8}-[0-9]{6}-[0-9a-z]{6}$", id));
            Assert.Equal("20261129-075631-", ids[0][..16]);
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.Equal(ids.Select(id => id[..15]), ids.OrderBy(id => id, StringComparer.Ordinal).Select(id => id[..15]));
            var opened = await world.Journal().OpenAsync(IncidentOpening.FromReport(world.Report()), default);
            Assert.Equal("20261129-075631-", opened.Id[..16]);
            Assert.Equal(Path.Combine(world.Folder, opened.Id + ".jsonl"), Assert.Single(world.Files()));
        }

        [Fact]
        public async Task Appending_to_a_journal_never_rewrites_the_lines_before()
        {
            using var world = new JournalTestWorld();
            var journal = world.Journal();
            var incident = await journal.OpenAsync(IncidentOpening.FromReport(world.Report()), default);
            var path = journal.PathOf(incident.Id);
            var before = File.ReadAllBytes(path);

            await journal.AppendAsync(incident.Id, new[] { IncidentRecord.StatusChange(IncidentStatus.Mitigated), IncidentRecord.CommanderChange("alice") }, default);

            var after = File.ReadAllBytes(path);
            Assert.Equal(before, after.Take(before.Length).ToArray());
            Assert.Equal(2, Encoding.UTF8.GetString(after, before.Length, after.Length - before.Length).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }

        [Fact]
        public async Task A_folder_that_cannot_be_created_is_JournalUnwritable()
        {
            using var world = new JournalTestWorld();
            Directory.CreateDirectory(world.Folder);
            var blocker = Path.Combine(world.Folder, "a-file");
            File.WriteAllText(blocker, "not a folder");
            var journal = new FileIncidentJournal(Path.Combine(blocker, "incidents"), world.Redactor, world.Clock);

            var failure = await Assert.ThrowsAsync<RunbookException>(() => journal.OpenAsync(IncidentOpening.FromReport(world.Report()), default));

            Assert.Equal("JournalUnwritable", failure.ErrorId);
        }

        [Fact]
        public void A_relative_JournalPath_in_a_config_file_is_relative_to_the_file()
        {
            using var world = new JournalTestWorld();
            Directory.CreateDirectory(world.Folder);
            var config = Path.Combine(world.Folder, "runbook.json");
            File.WriteAllText(config, "{ \"JournalPath\": \"team-incidents\" }");
            var profile = RunbookProfile.Resolve(new Dictionary<string, string?>(), config);

            Assert.Equal(Path.Combine(world.Folder, "team-incidents"), JournalFolder.Resolve(profile, _ => throw new InvalidOperationException("not a user path")));
            Assert.Equal("/given", JournalFolder.Resolve(RunbookProfile.Resolve(new Dictionary<string, string?> { ["JournalPath"] = "./given" }, config), _ => "/given"));
        }

        [Fact]
        public void The_default_folder_is_in_the_user_data_folder()
        {
            var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);

            Assert.Equal(Path.Combine(data, "PostHogRunbook", "incidents"), JournalFolder.Default());
        }
    }
}
