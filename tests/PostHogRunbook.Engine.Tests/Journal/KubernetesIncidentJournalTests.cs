using System.Text;
using k8s;
using k8s.Models;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Tests.LabKubernetes;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Journal
{
    /// <summary>
    /// The cluster journal against the lab's Kubernetes API in-process, through the real KubernetesClient: each
    /// journal its own client, as each machine would be, meeting only at the API server's resourceVersions.
    /// </summary>
    public sealed class KubernetesIncidentJournalTests
    {
        const string Ns = InProcessCluster.Namespace;

        sealed class World : IAsyncDisposable
        {
            readonly List<KubernetesGateway> gateways = new();

            World(InProcessCluster cluster) => Cluster = cluster;

            public InProcessCluster Cluster { get; }

            public JournalTestWorld Reports { get; } = new();

            public static async Task<World> StartAsync() => new(await InProcessCluster.StartAsync(pods: 1));

            public KubernetesGateway Gateway()
            {
                var gateway = KubernetesGateway.Open(Cluster.Endpoint.KubeconfigPath, null, Ns);
                lock (gateways)
                {
                    gateways.Add(gateway);
                }

                return gateway;
            }

            /// <summary>A journal with a client of its own (another machine), or over the given gateway.</summary>
            public KubernetesIncidentJournal Journal(string actor = "sre@laptop", int? capacity = null, IKubernetesGateway? gateway = null)
                => new(gateway ?? Gateway(), new Redactor(), TimeProvider.System, actor) { PartCapacityBytes = capacity ?? KubernetesIncidentJournal.DefaultPartCapacityBytes };

            public async Task<IList<V1ConfigMap>> PartsAsync(string id)
                => (await Cluster.Client.CoreV1.ListNamespacedConfigMapAsync(Ns, labelSelector: $"posthog-runbook/incident={id}")).Items.OrderBy(m => int.Parse(m.Metadata.Labels["posthog-runbook/part"])).ToList();

            public IEnumerable<PostHogRunbook.Lab.RequestRecord> Refused() => Cluster.Context.Requests.Where(r => r.Status >= 400 && r.Status != 409 && r.Status != 404);

            public async ValueTask DisposeAsync()
            {
                foreach (var gateway in gateways)
                {
                    gateway.Dispose();
                }

                Reports.Dispose();
                await Cluster.DisposeAsync();
            }
        }

        static IncidentOpening Opening(World world) => IncidentOpening.FromReport(world.Reports.Report(JournalTestWorld.Target(@namespace: Ns)));

        [Fact]
        public async Task An_incident_is_one_labelled_configmap_of_the_file_journals_lines_and_reads_back_as_the_file_journal_folds_it()
        {
            await using var world = await World.StartAsync();
            var journal = world.Journal();

            var opened = await journal.OpenAsync(Opening(world) with { Commander = "alice" }, default);
            await journal.AppendAsync(opened.Id, new[] { IncidentRecord.StatusChange(IncidentStatus.Mitigated), IncidentRecord.Note("Fallback on; key phc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG pasted by mistake") }, default);
            var read = await world.Journal("ci@runner").GetAsync(opened.Id, default);

            var map = Assert.Single(await world.PartsAsync(opened.Id));
            Assert.Equal("posthog-incident-" + opened.Id, map.Metadata.Name);
            Assert.Equal("PostHogRunbook", map.Metadata.Labels["app.kubernetes.io/managed-by"]);
            Assert.Equal(opened.Id, map.Metadata.Labels["posthog-runbook/incident"]);
            var text = map.Data["journal.jsonl"];
            Assert.DoesNotContain("phc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", text, StringComparison.Ordinal);

            // The same lines in a file fold into the same incident.
            using var files = new JournalTestWorld();
            Directory.CreateDirectory(files.Folder);
            File.WriteAllText(Path.Combine(files.Folder, opened.Id + FileIncidentJournal.FileExtension), text);
            var fromFile = await files.Journal().GetAsync(opened.Id, default);
            Assert.Equal(Newtonsoft.Json.JsonConvert.SerializeObject(fromFile), Newtonsoft.Json.JsonConvert.SerializeObject(read));

            Assert.Equal(IncidentStatus.Mitigated, read.Status);
            Assert.Equal("alice", read.Commander);
            Assert.Equal(new[] { IncidentEntryKind.Opened, IncidentEntryKind.Triage, IncidentEntryKind.Commander, IncidentEntryKind.StatusChanged, IncidentEntryKind.Note }, read.Timeline.Select(e => e.Kind));
            Assert.Equal("Status: Investigating -> Mitigated.", read.Timeline[3].Message);
            Assert.All(read.Timeline, e => Assert.Equal("sre@laptop", e.Actor));
            Assert.Equal($"kubernetes://lab/{Ns}", journal.Location);
            Assert.Equal(opened.Id, Assert.Single(await world.Journal().ListAsync(null, default)).Id);
        }

        [Fact]
        public async Task Four_writers_appending_at_once_conflict_retry_and_lose_nothing()
        {
            await using var world = await World.StartAsync();
            var opened = await world.Journal().OpenAsync(Opening(world), default);
            const int writers = 4;
            const int notesEach = 25;
            var journals = Enumerable.Range(0, writers).Select(n => world.Journal($"writer{n}@test")).ToList();

            await Task.WhenAll(journals.Select((journal, writer) => Task.Run(async () =>
            {
                for (var note = 0; note < notesEach; note++)
                {
                    await journal.AppendAsync(opened.Id, IncidentRecord.Note($"writer {writer} note {note}"), default);
                }
            })));

            var read = await world.Journal().GetAsync(opened.Id, default);
            Assert.Equal(writers * notesEach, read.Timeline.Count(e => e.Kind == IncidentEntryKind.Note));
            foreach (var writer in Enumerable.Range(0, writers))
            {
                Assert.Equal(Enumerable.Range(0, notesEach).Select(n => $"writer {writer} note {n}"), read.Timeline.Where(e => e.Actor == $"writer{writer}@test").Select(e => e.Message));
            }

            // Every 409 the server sent was a lost race the journals counted and retried.
            var conflicts = world.Cluster.Context.Requests.Count(r => r.Status == 409);
            Assert.Equal(conflicts, journals.Sum(j => j.ConflictRetries));
            Assert.Empty(world.Refused());
        }

        [Fact]
        public async Task Past_the_size_limit_an_incident_goes_on_in_a_linked_configmap_and_reads_back_whole()
        {
            await using var world = await World.StartAsync();
            var journal = world.Journal();
            var opened = await journal.OpenAsync(Opening(world), default);
            var big = new string('x', 100 * 1024);

            for (var note = 0; note < 12; note++)
            {
                await journal.AppendAsync(opened.Id, IncidentRecord.Note($"evidence {note}: {big}"), default);
            }

            var read = await world.Journal().GetAsync(opened.Id, default);
            var parts = await world.PartsAsync(opened.Id);

            Assert.Equal(Enumerable.Range(0, 12).Select(n => $"evidence {n}: {big}"), read.Timeline.Where(e => e.Kind == IncidentEntryKind.Note).Select(e => e.Message));
            Assert.Equal(new[] { $"posthog-incident-{opened.Id}", $"posthog-incident-{opened.Id}-2" }, parts.Select(p => p.Metadata.Name));
            Assert.Equal($"posthog-incident-{opened.Id}-2", parts[0].Metadata.Annotations["posthog-runbook/continued-in"]);
            Assert.All(parts, p => Assert.True(Encoding.UTF8.GetByteCount(p.Data["journal.jsonl"]) <= 1024 * 1024));
            Assert.Empty(world.Refused());
            Assert.Single(await journal.ListAsync(null, default));
        }

        [Fact]
        public async Task Writers_racing_across_many_small_parts_keep_every_line_in_one_order()
        {
            await using var world = await World.StartAsync();
            var opened = await world.Journal(capacity: 4096).OpenAsync(Opening(world), default);
            var journals = Enumerable.Range(0, 4).Select(n => world.Journal($"writer{n}@test", capacity: 4096)).ToList();

            await Task.WhenAll(journals.Select((journal, writer) => Task.Run(async () =>
            {
                for (var note = 0; note < 15; note++)
                {
                    await journal.AppendAsync(opened.Id, IncidentRecord.Note($"writer {writer} note {note} " + new string('n', 200)), default);
                }
            })));

            var read = await world.Journal(capacity: 4096).GetAsync(opened.Id, default);
            var parts = await world.PartsAsync(opened.Id);

            Assert.Equal(60, read.Timeline.Count(e => e.Kind == IncidentEntryKind.Note));
            foreach (var writer in Enumerable.Range(0, 4))
            {
                Assert.Equal(Enumerable.Range(0, 15).Select(n => $"writer {writer} note {n} " + new string('n', 200)), read.Timeline.Where(e => e.Actor == $"writer{writer}@test").Select(e => e.Message));
            }

            Assert.True(parts.Count > 3, $"{parts.Count} parts");
            for (var i = 0; i < parts.Count; i++)
            {
                Assert.Equal((i + 1).ToString(), parts[i].Metadata.Labels["posthog-runbook/part"]);
                Assert.True(Encoding.UTF8.GetByteCount(parts[i].Data["journal.jsonl"]) <= 4096);
                Assert.Equal(i < parts.Count - 1 ? parts[i + 1].Metadata.Name : null, parts[i].Metadata.Annotations?["posthog-runbook/continued-in"]);
            }
        }

        [Fact]
        public async Task Writers_triaging_one_workload_at_once_end_in_one_incident_and_after_it_is_resolved_the_next_triage_opens_another()
        {
            await using var world = await World.StartAsync();
            var journals = Enumerable.Range(0, 4).Select(n => world.Journal($"writer{n}@test")).ToList();

            var results = await Task.WhenAll(journals.Select(journal => Task.Run(() => journal.OpenOrContinueAsync(world.Reports.Report(JournalTestWorld.Target(@namespace: Ns)), default))));

            Assert.Single(results, r => r.IsNew);
            var id = Assert.Single(results.Select(r => r.Incident.Id).Distinct());
            var incident = await world.Journal().GetAsync(id, default);
            Assert.Equal(4, incident.Reports.Count);
            Assert.Single(await world.Journal().ListAsync(null, default));
            Assert.Equal(id, (await world.Journal().FindOpenAsync(JournalTestWorld.Target(context: "another-alias", @namespace: Ns), default))?.Id);

            await journals[0].AppendAsync(id, IncidentRecord.StatusChange(IncidentStatus.Resolved), default);
            Assert.Null(await world.Journal().FindOpenAsync(JournalTestWorld.Target(@namespace: Ns), default));
            var next = await journals[1].OpenOrContinueAsync(world.Reports.Report(JournalTestWorld.Target(@namespace: Ns)), default);

            Assert.True(next.IsNew);
            Assert.NotEqual(id, next.Incident.Id);
            var listed = await world.Journal().ListAsync(null, default);
            Assert.Equal(2, listed.Count);
            Assert.Equal(new[] { next.Incident.Id }, (await world.Journal().ListAsync(new[] { IncidentStatus.Investigating }, default)).Select(i => i.Id));
            var failure = await Assert.ThrowsAsync<RunbookException>(() => journals[2].OpenAsync(Opening(world), default));
            Assert.Equal("IncidentAlreadyOpen", failure.ErrorId);
            Assert.Contains(next.Incident.Id, failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task A_claim_left_by_a_writer_that_died_before_creating_its_incident_is_completed_by_the_next_writer()
        {
            await using var world = await World.StartAsync();
            const string claimedId = "20261129-075631-k3f9x2";
            await world.Cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta
                {
                    Name = KubernetesIncidentJournal.ClaimName(Ns, "posthog-integration"),
                    Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "PostHogRunbook", ["posthog-runbook/role"] = "claim" },
                },
                Data = new Dictionary<string, string> { ["incident"] = claimedId, ["workload"] = $"{Ns}/posthog-integration" },
            }, Ns);

            var opened = await world.Journal().OpenOrContinueAsync(world.Reports.Report(JournalTestWorld.Target(@namespace: Ns)), default);

            Assert.True(opened.IsNew);
            Assert.Equal(claimedId, opened.Incident.Id);
            Assert.Single(await world.PartsAsync(claimedId));
        }

        [Fact]
        public async Task Rbac_without_configmaps_is_a_refusal_naming_the_verb_and_the_deploy_roles_allow_the_whole_journal()
        {
            await using var world = await World.StartAsync();
            var noJournal = Path.Combine(world.Reports.Folder, "role-no-journal.yaml");
            Directory.CreateDirectory(world.Reports.Folder);
            File.WriteAllText(noJournal, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: { name: pods-only, namespace: posthog }
                rules:
                - apiGroups: [""]
                  resources: ["pods"]
                  verbs: ["get", "list"]
                """);
            world.Cluster.EnforceRoles(noJournal);

            var refused = await Assert.ThrowsAsync<RunbookException>(() => world.Journal().OpenAsync(Opening(world), default));

            Assert.Equal("KubernetesForbidden", refused.ErrorId);
            Assert.Contains("cannot get configmaps", refused.Message, StringComparison.Ordinal);
            Assert.Contains("'get' on 'configmaps'", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(world.Cluster.Context.Requests, r => r.Method is "POST" or "PUT" && r.Status < 400);

            var refusedBefore = world.Cluster.Context.Requests.Count(r => r.Status == 403);
            foreach (var role in new[] { DeployManifests.TriageRole, DeployManifests.RemediateRole })
            {
                world.Cluster.EnforceRoles(role);
                var journal = world.Journal();
                var result = await journal.OpenOrContinueAsync(world.Reports.Report(JournalTestWorld.Target(@namespace: Ns)), default);
                await journal.AppendAsync(result.Incident.Id, IncidentRecord.StatusChange(IncidentStatus.Resolved), default);
                Assert.Contains(await journal.ListAsync(null, default), i => i.Id == result.Incident.Id && i.Status == IncidentStatus.Resolved);
            }

            Assert.Equal(refusedBefore, world.Cluster.Context.Requests.Count(r => r.Status == 403));
        }

        [Fact]
        public async Task An_unknown_incident_is_IncidentNotFound_and_writes_nothing()
        {
            await using var world = await World.StartAsync();
            var journal = world.Journal();

            var get = await Assert.ThrowsAsync<RunbookException>(() => journal.GetAsync("20261129-075631-zzzzzz", default));
            var append = await Assert.ThrowsAsync<RunbookException>(() => journal.AppendAsync("20261129-075631-zzzzzz", IncidentRecord.Note("lost?"), default));
            var notAnId = await Assert.ThrowsAsync<RunbookException>(() => journal.GetAsync("../etc", default));

            Assert.Equal(("IncidentNotFound", "IncidentNotFound", "IncidentNotFound"), (get.ErrorId, append.ErrorId, notAnId.ErrorId));
            Assert.Contains($"kubernetes://lab/{Ns}", get.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(world.Cluster.Context.Requests, r => r.Method is "POST" or "PUT");
            Assert.Empty(await journal.ListAsync(null, default));
        }

        [Fact]
        public async Task A_writer_that_never_wins_the_race_gives_up_with_JournalContended_and_writes_nothing()
        {
            await using var world = await World.StartAsync();
            var opened = await world.Journal().OpenAsync(Opening(world), default);
            var before = (await world.PartsAsync(opened.Id))[0].Metadata.ResourceVersion;
            var journal = new KubernetesIncidentJournal(new AlwaysStale(world.Gateway()), new Redactor(), TimeProvider.System, "loser@test") { MaxAttempts = 5, FirstBackoff = TimeSpan.FromMilliseconds(1) };

            var failure = await Assert.ThrowsAsync<RunbookException>(() => journal.AppendAsync(opened.Id, IncidentRecord.Note("never lands"), default));

            Assert.Equal("JournalContended", failure.ErrorId);
            Assert.Contains("5 tries", failure.Message, StringComparison.Ordinal);
            Assert.Equal(5, journal.ConflictRetries);
            Assert.Equal(before, (await world.PartsAsync(opened.Id))[0].Metadata.ResourceVersion);
        }

        [Fact]
        public async Task A_file_incident_is_copied_whole_once_and_a_second_copy_adds_only_what_the_file_gained()
        {
            await using var world = await World.StartAsync();
            var files = world.Reports.Journal();
            var local = await files.OpenAsync(Opening(world) with { Impact = "flags use defaults" }, default);
            world.Reports.Clock.Advance(TimeSpan.FromMinutes(3));
            await files.AppendAsync(local.Id, IncidentRecord.Note("fallback enabled by hand"), default);
            var cluster = world.Journal("ci@runner");

            var first = await cluster.ImportAsync(await files.GetAsync(local.Id, default), File.ReadAllLines(files.PathOf(local.Id)), default);
            var again = await cluster.ImportAsync(await files.GetAsync(local.Id, default), File.ReadAllLines(files.PathOf(local.Id)), default);
            world.Reports.Clock.Advance(TimeSpan.FromMinutes(1));
            await files.AppendAsync(local.Id, IncidentRecord.Note("added to the file later"), default);
            var third = await cluster.ImportAsync(await files.GetAsync(local.Id, default), File.ReadAllLines(files.PathOf(local.Id)), default);

            var fromFile = await files.GetAsync(local.Id, default);
            var inCluster = await world.Journal().GetAsync(local.Id, default);
            Assert.Equal((true, 4), (first.Copied, first.LinesWritten));   // Opened, Triage, Impact, Note
            Assert.Equal((false, 0), (again.Copied, again.LinesWritten));
            Assert.Equal((true, 1), (third.Copied, third.LinesWritten));
            Assert.Equal(Newtonsoft.Json.JsonConvert.SerializeObject(fromFile), Newtonsoft.Json.JsonConvert.SerializeObject(inCluster));
            Assert.All(inCluster.Timeline, e => Assert.Equal("sre@laptop", e.Actor));
            Assert.Equal(local.Id, (await world.Journal().FindOpenAsync(JournalTestWorld.Target(@namespace: Ns), default))?.Id);

            // Another open incident of the same workload in the file journal is refused: one open incident per workload.
            using var otherFiles = new JournalTestWorld();
            var other = await otherFiles.Journal().OpenAsync(Opening(world), default);
            var refused = await Assert.ThrowsAsync<RunbookException>(() => cluster.ImportAsync(other, File.ReadAllLines(otherFiles.Journal().PathOf(other.Id)), default));
            Assert.Equal("IncidentAlreadyOpen", refused.ErrorId);
            await Assert.ThrowsAsync<RunbookException>(() => world.Journal().GetAsync(other.Id, default));
        }

        [Theory]
        [InlineData("kubernetes", "Kubernetes")]
        [InlineData("FILE", "File")]
        public void JournalStore_is_read_from_the_environment_in_any_case(string value, string expected)
        {
            using var world = new Configuration.TestWorld();
            world.Variables["POSTHOG_RUNBOOK_JOURNAL_STORE"] = value;

            var profile = world.Resolve();

            Assert.Equal(expected, profile.Get(RunbookSetting.JournalStore));
            Assert.Equal(Enum.Parse<JournalStore>(expected), IncidentJournals.StoreOf(profile));
        }

        [Fact]
        public void An_unknown_JournalStore_is_InvalidSetting_naming_its_source()
        {
            using var world = new Configuration.TestWorld();
            world.Variables["POSTHOG_RUNBOOK_JOURNAL_STORE"] = "etcd";

            var failure = Assert.Throws<RunbookException>(() => world.Resolve().ThrowIfInvalid());

            Assert.Equal("InvalidSetting", failure.ErrorId);
            Assert.Contains("POSTHOG_RUNBOOK_JOURNAL_STORE", failure.Message, StringComparison.Ordinal);
            Assert.Contains("must be File or Kubernetes", failure.Message, StringComparison.Ordinal);
            Assert.Equal("File", RunbookProfile.Resolve(new Dictionary<string, string?>(), null).Get(RunbookSetting.JournalStore));
        }

        /// <summary>A gateway whose every ConfigMap replace loses to another writer, as under a writer that never pauses.</summary>
        sealed class AlwaysStale : IKubernetesGateway
        {
            readonly IKubernetesGateway inner;

            public AlwaysStale(IKubernetesGateway inner) => this.inner = inner;

            public string? Context => inner.Context;

            public string Namespace => inner.Namespace;

            public string Server => inner.Server;

            public Task<V1ConfigMap> ReplaceConfigMapAsync(V1ConfigMap configMap, CancellationToken cancellationToken)
                => Task.FromException<V1ConfigMap>(new RunbookException("KubernetesConflict", RunbookErrorKind.InvalidOperation, "Conflict: it changed since it was read."));

            public Task<V1ConfigMap> GetConfigMapAsync(string name, CancellationToken cancellationToken) => inner.GetConfigMapAsync(name, cancellationToken);

            public Task<IReadOnlyList<V1ConfigMap>> ListConfigMapsAsync(string selector, CancellationToken cancellationToken) => inner.ListConfigMapsAsync(selector, cancellationToken);

            public Task<V1ConfigMap> CreateConfigMapAsync(V1ConfigMap configMap, CancellationToken cancellationToken) => inner.CreateConfigMapAsync(configMap, cancellationToken);

            public Task<V1Deployment> GetDeploymentAsync(string name, CancellationToken cancellationToken) => inner.GetDeploymentAsync(name, cancellationToken);

            public Task<IReadOnlyList<V1Pod>> ListPodsAsync(string selector, CancellationToken cancellationToken) => inner.ListPodsAsync(selector, cancellationToken);

            public Task<IReadOnlyList<Corev1Event>> ListWarningEventsAsync(CancellationToken cancellationToken) => inner.ListWarningEventsAsync(cancellationToken);

            public Task<IReadOnlyList<Corev1Event>> ListEventsAsync(CancellationToken cancellationToken) => inner.ListEventsAsync(cancellationToken);

            public Task<IReadOnlyList<V1ReplicaSet>> ListReplicaSetsAsync(string selector, CancellationToken cancellationToken) => inner.ListReplicaSetsAsync(selector, cancellationToken);

            public Task<string?> ReadSecretValueAsync(string name, string key, CancellationToken cancellationToken) => inner.ReadSecretValueAsync(name, key, cancellationToken);

            public Task<Stream> OpenPodLogAsync(string pod, string? container, int? sinceSeconds, bool timestamps, bool previous, CancellationToken cancellationToken) => inner.OpenPodLogAsync(pod, container, sinceSeconds, timestamps, previous, cancellationToken);

            public Task<V1Deployment> PatchDeploymentAsync(string name, string strategicMergePatch, CancellationToken cancellationToken) => inner.PatchDeploymentAsync(name, strategicMergePatch, cancellationToken);

            public IAsyncEnumerable<V1Deployment> WatchDeploymentAsync(string name, string? resourceVersion, CancellationToken cancellationToken) => inner.WatchDeploymentAsync(name, resourceVersion, cancellationToken);

            public Task<V1Secret> GetSecretAsync(string name, CancellationToken cancellationToken) => inner.GetSecretAsync(name, cancellationToken);

            public Task<V1Secret> CreateSecretAsync(V1Secret secret, CancellationToken cancellationToken) => inner.CreateSecretAsync(secret, cancellationToken);

            public Task<V1Secret> ReplaceSecretAsync(V1Secret secret, CancellationToken cancellationToken) => inner.ReplaceSecretAsync(secret, cancellationToken);

            public Task<V1Lease> GetLeaseAsync(string name, CancellationToken cancellationToken) => inner.GetLeaseAsync(name, cancellationToken);

            public Task<V1Lease> CreateLeaseAsync(V1Lease lease, CancellationToken cancellationToken) => inner.CreateLeaseAsync(lease, cancellationToken);

            public Task<V1Lease> ReplaceLeaseAsync(V1Lease lease, CancellationToken cancellationToken) => inner.ReplaceLeaseAsync(lease, cancellationToken);

            public Task DeleteLeaseAsync(string name, string resourceVersion, CancellationToken cancellationToken) => inner.DeleteLeaseAsync(name, resourceVersion, cancellationToken);

            public void Dispose()
            {
            }
        }
    }
}
