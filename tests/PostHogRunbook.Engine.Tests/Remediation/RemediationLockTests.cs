using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Remediation;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Engine.Tests.Lab;
using PostHogRunbook.Engine.Tests.LabKubernetes;
using PostHogRunbook.Lab;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Remediation
{
    /// <summary>
    /// The remediation lock against the in-process lab, through the real KubernetesClient: a Lease per deployment,
    /// taken atomically, renewed on the command's clock while a rollout is awaited, released (only if still its own),
    /// taken over when expired or forced, and a second writer told who holds it.
    /// </summary>
    public sealed class RemediationLockTests
    {
        const string Ns = "posthog";
        const string LeaseName = "posthog-runbook-posthog-integration";
        static readonly HttpClient Http = RunbookServices.CreateHttpClient();

        sealed class World : IAsyncDisposable
        {
            readonly List<RunbookServices> services = new();

            World(RunningLab lab, RunbookProfile profile, IKubernetes client)
            {
                Lab = lab;
                Profile = profile;
                Client = client;
            }

            public RunningLab Lab { get; }

            public RunbookProfile Profile { get; }

            public IKubernetes Client { get; }

            public static async Task<World> StartAsync(string scenario = "us-outage")
            {
                var lab = await RunningLab.StartAsync(scenario);
                var profile = RunbookProfile.Resolve(new Dictionary<string, string?>
                {
                    ["KubeConfig"] = lab.Endpoints.KubeconfigPath,
                    ["PostHogHost"] = lab.Endpoints.PostHogUrl,
                    ["TimeoutSec"] = "10",
                }, null);
                return new World(lab, profile, new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(lab.Endpoints.KubeconfigPath)));
            }

            /// <summary>A writer of its own: its own services (its own Kubernetes client and connection), as another shell has.</summary>
            public Remediator Writer(TimeProvider? time = null, int lockDurationSeconds = RemediationLock.DefaultDurationSeconds)
            {
                var own = RunbookServices.Create(Http, time);
                services.Add(own);
                return new Remediator(own, Profile, lockDurationSeconds);
            }

            public Task<V1Lease> LeaseAsync() => Client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, Ns);

            public async Task<bool> LeaseExistsAsync()
                => (await Client.CoordinationV1.ListNamespacedLeaseAsync(Ns)).Items.Any(l => l.Metadata.Name == LeaseName);

            public List<RequestRecord> LeaseWrites(string method)
                => Lab.Host.Context.Requests.Where(r => r.Part == "kubernetes" && r.Resource == "leases" && r.Method == method).ToList();

            public List<RequestRecord> DeploymentPatches()
                => Lab.Host.Context.Requests.Where(r => r.Part == "kubernetes" && r.Resource == "deployments" && r.Method == "PATCH").ToList();

            /// <summary>A lease as another holder left it: <paramref name="renewedAgo"/> since its last renewal.</summary>
            public Task<V1Lease> SeedLeaseAsync(string holder, TimeSpan renewedAgo, int durationSeconds = 60)
            {
                var renewed = DateTime.UtcNow - renewedAgo;
                return Client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
                {
                    Metadata = new V1ObjectMeta { Name = LeaseName, Annotations = new Dictionary<string, string> { [RemediationLock.OperationAnnotation] = "Set-PostHogFallback (process 4242)" } },
                    Spec = new V1LeaseSpec { HolderIdentity = holder, LeaseDurationSeconds = durationSeconds, AcquireTime = renewed.AddMinutes(-1), RenewTime = renewed, LeaseTransitions = 0 },
                }, Ns);
            }

            public async ValueTask DisposeAsync()
            {
                Client.Dispose();
                foreach (var own in services)
                {
                    own.Dispose();
                }

                await Lab.DisposeAsync();
            }
        }

        /// <summary>Waits for something the lab will record; a deadline guards a hang, it is not what the test asserts.</summary>
        static async Task EventuallyAsync(Func<bool> happened, string what)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!happened())
            {
                Assert.True(DateTime.UtcNow < deadline, "Still waiting for: " + what);
                await Task.Delay(20);
            }
        }

        static async Task<RunbookException> RefusedAsync(Task<RemediationLock> taking)
            => await Assert.ThrowsAsync<RunbookException>(() => taking);

        [Fact]
        public async Task The_lock_is_a_lease_named_for_the_deployment_held_by_user_at_host_and_gone_after_release()
        {
            await using var world = await World.StartAsync();

            var held = await world.Writer().LockAsync("Set-PostHogFallback (process 1)", force: false, CancellationToken.None);

            var lease = await world.LeaseAsync();
            Assert.Equal(JournalEntryWriter.DefaultActor(), lease.Spec.HolderIdentity);
            Assert.Equal(RemediationLock.DefaultDurationSeconds, lease.Spec.LeaseDurationSeconds);
            Assert.NotNull(lease.Spec.AcquireTime);
            Assert.Equal(lease.Spec.AcquireTime, lease.Spec.RenewTime);
            Assert.Equal("Set-PostHogFallback (process 1)", lease.Metadata.Annotations[RemediationLock.OperationAnnotation]);
            Assert.Equal("PostHogRunbook", lease.Metadata.Labels[Remediator.ManagedByLabel]);
            Assert.Equal((LeaseName, Ns, "posthog-integration"), (held.LeaseName, held.Namespace, held.Deployment));
            Assert.Null(held.Takeover);

            Assert.Null(await held.ReleaseAsync());

            Assert.False(await world.LeaseExistsAsync());
            Assert.Single(world.LeaseWrites("POST"));
            Assert.Equal(200, Assert.Single(world.LeaseWrites("DELETE")).Status);
        }

        [Fact]
        public async Task A_second_writer_gets_RemediationInProgress_naming_the_holder_and_since_when_and_writes_nothing()
        {
            await using var world = await World.StartAsync();
            await using var first = await world.Writer().LockAsync("Set-PostHogFallback (process 1)", force: false, CancellationToken.None);
            var before = await world.LeaseAsync();

            var refused = await RefusedAsync(world.Writer().LockAsync("Restart-PostHogIntegration (process 2)", force: false, CancellationToken.None));

            Assert.Equal("RemediationInProgress", refused.ErrorId);
            Assert.Equal(RunbookErrorKind.ResourceBusy, refused.Kind);
            Assert.Contains($"{JournalEntryWriter.DefaultActor()} holds its lock", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"Lease {LeaseName} in namespace {Ns}", refused.Message, StringComparison.Ordinal);
            Assert.Contains("since " + before.Spec.AcquireTime!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), refused.Message, StringComparison.Ordinal);
            Assert.Contains("running Set-PostHogFallback (process 1)", refused.Message, StringComparison.Ordinal);
            Assert.Contains("-Force", refused.Details, StringComparison.Ordinal);
            Assert.Equal(LeaseName, refused.Target);

            // The refused writer changed nothing: the lease is the first holder's, as it was.
            Assert.Equal(before.Metadata.ResourceVersion, (await world.LeaseAsync()).Metadata.ResourceVersion);
            Assert.Empty(world.LeaseWrites("PUT"));
            Assert.Empty(world.LeaseWrites("DELETE"));

            // Once released, the next writer takes it.
            await first.ReleaseAsync();
            await using var next = await world.Writer().LockAsync("Restart-PostHogIntegration (process 2)", force: false, CancellationToken.None);
            Assert.Equal("Restart-PostHogIntegration (process 2)", (await world.LeaseAsync()).Metadata.Annotations[RemediationLock.OperationAnnotation]);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Of_writers_racing_for_a_free_or_an_expired_lease_exactly_one_wins(bool expired)
        {
            await using var world = await World.StartAsync();
            if (expired)
            {
                await world.SeedLeaseAsync("alice@laptop", renewedAgo: TimeSpan.FromMinutes(10));
            }

            var writers = Enumerable.Range(1, 4).Select(_ => world.Writer()).ToList();
            using var start = new SemaphoreSlim(0);
            var takes = writers.Select((writer, index) => Task.Run(async () =>
            {
                await start.WaitAsync();
                return await writer.LockAsync($"writer {index}", force: false, CancellationToken.None);
            })).ToList();
            start.Release(writers.Count);

            var outcomes = new List<(RemediationLock? Lock, RunbookException? Error)>();
            foreach (var take in takes)
            {
                try
                {
                    outcomes.Add((await take, null));
                }
                catch (RunbookException ex)
                {
                    outcomes.Add((null, ex));
                }
            }

            var winner = Assert.Single(outcomes, o => o.Lock != null).Lock!;
            Assert.All(outcomes.Where(o => o.Lock == null), o => Assert.Equal("RemediationInProgress", o.Error!.ErrorId));
            var lease = await world.LeaseAsync();
            Assert.Equal(winner.Operation, lease.Metadata.Annotations[RemediationLock.OperationAnnotation]);
            if (expired)
            {
                Assert.Equal("alice@laptop", winner.Takeover!.PreviousHolder);
                Assert.Equal(1, lease.Spec.LeaseTransitions);
            }
            else
            {
                Assert.Null(winner.Takeover);
            }

            await winner.ReleaseAsync();
            Assert.False(await world.LeaseExistsAsync());
        }

        [Fact]
        public async Task An_expired_lease_is_taken_over_and_the_takeover_names_the_previous_holder()
        {
            await using var world = await World.StartAsync();
            var stale = await world.SeedLeaseAsync("alice@laptop", renewedAgo: TimeSpan.FromMinutes(5));

            await using var held = await world.Writer().LockAsync("Set-PostHogFallback (process 1)", force: false, CancellationToken.None);

            var takeover = held.Takeover!;
            Assert.False(takeover.Forced);
            Assert.Equal("alice@laptop", takeover.PreviousHolder);
            Assert.Equal("Set-PostHogFallback (process 4242)", takeover.PreviousOperation);
            Assert.Contains("taken over from alice@laptop", takeover.Message, StringComparison.Ordinal);
            Assert.Contains("expired at", takeover.Message, StringComparison.Ordinal);
            Assert.Contains("alice@laptop", IncidentRemediation.TakeoverRecord(takeover).Message, StringComparison.Ordinal);

            // The take was a replace of what was read, its resourceVersion the precondition.
            var lease = await world.LeaseAsync();
            Assert.Equal(JournalEntryWriter.DefaultActor(), lease.Spec.HolderIdentity);
            Assert.Equal(1, lease.Spec.LeaseTransitions);
            Assert.NotEqual(stale.Metadata.ResourceVersion, lease.Metadata.ResourceVersion);
            Assert.Equal(200, Assert.Single(world.LeaseWrites("PUT")).Status);
        }

        [Fact]
        public async Task Force_takes_a_valid_lease_and_the_pushed_aside_holder_never_deletes_the_new_one()
        {
            await using var world = await World.StartAsync();
            var first = await world.Writer().LockAsync("Set-PostHogFallback (process 1)", force: false, CancellationToken.None);

            await using var forced = await world.Writer().LockAsync("Set-PostHogFallback (process 2)", force: true, CancellationToken.None);

            Assert.True(forced.Takeover!.Forced);
            Assert.Equal(JournalEntryWriter.DefaultActor(), forced.Takeover.PreviousHolder);
            Assert.Contains("with -Force", forced.Takeover.Message, StringComparison.Ordinal);
            Assert.Contains("still valid until", forced.Takeover.Message, StringComparison.Ordinal);

            // The first holder's release: its precondition fails, the second holder's lease stays.
            Assert.Null(await first.ReleaseAsync());
            var lease = await world.LeaseAsync();
            Assert.Equal("Set-PostHogFallback (process 2)", lease.Metadata.Annotations[RemediationLock.OperationAnnotation]);
            Assert.Contains(world.LeaseWrites("DELETE"), d => d.Status == 409);
        }

        [Fact]
        public async Task The_lease_is_renewed_on_the_commands_clock_while_a_slow_rollout_is_awaited_then_released()
        {
            await using var world = await World.StartAsync("rollout-stuck");
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var writer = world.Writer(clock);
            var held = await writer.LockAsync("Set-PostHogFallback (process 1)", force: false, CancellationToken.None);
            var acquired = (await world.LeaseAsync()).Spec.RenewTime;
            var plan = await writer.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, "true", CancellationToken.None);

            var applying = writer.ApplyAsync(plan, new RemediationOptions(RolloutTimeoutSec: 120), null, CancellationToken.None);
            await EventuallyAsync(() => world.DeploymentPatches().Count == 1, "the fallback patch");

            // A third of the lease's duration on the command's clock: one renewal, while the rollout is still stuck.
            clock.Advance(TimeSpan.FromSeconds(RemediationLock.DefaultDurationSeconds / 3));
            await EventuallyAsync(() => held.Renewals == 1, "the first renewal");
            clock.Advance(TimeSpan.FromSeconds(RemediationLock.DefaultDurationSeconds / 3));
            await EventuallyAsync(() => held.Renewals == 2, "the second renewal");
            Assert.Equal(2, world.LeaseWrites("PUT").Count);
            var renewed = await world.LeaseAsync();
            Assert.False(applying.IsCompleted);
            Assert.Equal(acquired!.Value.AddSeconds(2 * RemediationLock.DefaultDurationSeconds / 3), renewed.Spec.RenewTime);
            Assert.Equal(JournalEntryWriter.DefaultActor(), renewed.Spec.HolderIdentity);

            // The rollout unsticks and completes; the lock is released after it.
            await world.Lab.SwitchScenarioAsync("healthy");
            var result = await applying;
            Assert.Equal(RolloutState.Complete, result.Rollout!.State);
            Assert.Null(await held.ReleaseAsync());
            Assert.Equal(2, held.Renewals);
            Assert.False(await world.LeaseExistsAsync());
        }

        [Fact]
        public async Task The_lease_is_released_after_a_failed_change_and_after_cancellation()
        {
            await using var world = await World.StartAsync("rollout-stuck");
            var writer = world.Writer();

            // A stuck rollout: RolloutTimedOut, and the lock goes with the command.
            await using (await writer.LockAsync("Set-PostHogFallback (process 1)", force: false, CancellationToken.None))
            {
                var plan = await writer.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, "true", CancellationToken.None);
                var failure = await Assert.ThrowsAsync<RemediationException>(() => writer.ApplyAsync(plan, new RemediationOptions(RolloutTimeoutSec: 2), null, CancellationToken.None));
                Assert.Equal("RolloutTimedOut", failure.Error.ErrorId);
            }

            Assert.False(await world.LeaseExistsAsync());

            // Ctrl+C mid-rollout: the command's token is cancelled, yet the release still reaches the API server.
            using var stop = new CancellationTokenSource();
            var held = await writer.LockAsync("Restart-PostHogIntegration (process 1)", force: false, stop.Token);
            var restart = await writer.PlanRestartAsync(stop.Token);
            var applying = writer.ApplyAsync(restart, new RemediationOptions(RolloutTimeoutSec: 120), null, stop.Token);
            await EventuallyAsync(() => world.DeploymentPatches().Count == 2, "the restart patch");
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => applying);

            Assert.Null(await held.ReleaseAsync());
            Assert.False(await world.LeaseExistsAsync());
        }

        [Fact]
        public async Task Without_rights_on_leases_the_refusal_is_KubernetesForbidden_naming_them_and_the_remediate_role_has_them()
        {
            await using var world = await World.StartAsync();
            world.Lab.Host.Context.Rbac.EnforceFiles(new[] { DeployManifests.TriageRole });

            var refused = await RefusedAsync(world.Writer().LockAsync("Set-PostHogFallback (process 1)", force: false, CancellationToken.None));

            Assert.Equal("KubernetesForbidden", refused.ErrorId);
            Assert.Contains("'create' on 'leases' (API group \"coordination.k8s.io\")", refused.Message, StringComparison.Ordinal);

            // Under the Role deploy/ ships for remediation: taken over when expired, renewed, released.
            world.Lab.Host.Context.Rbac.AllowAll();
            await world.SeedLeaseAsync("alice@laptop", renewedAgo: TimeSpan.FromMinutes(5));
            world.Lab.Host.Context.Rbac.EnforceFiles(new[] { DeployManifests.RemediateRole });
            world.Lab.Host.Context.ClearRequests();
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var held = await world.Writer(clock).LockAsync("Set-PostHogFallback (process 1)", force: false, CancellationToken.None);
            Assert.Equal("alice@laptop", held.Takeover!.PreviousHolder);
            clock.Advance(TimeSpan.FromSeconds(RemediationLock.DefaultDurationSeconds / 3));
            await EventuallyAsync(() => held.Renewals == 1, "a renewal under the remediate Role");
            Assert.Null(await held.ReleaseAsync());
            Assert.DoesNotContain(world.Lab.Host.Context.Requests, r => r.Resource == "leases" && r.Status == 403);
            world.Lab.Host.Context.Rbac.AllowAll();
            Assert.False(await world.LeaseExistsAsync());
        }

        [Fact]
        public void The_lease_name_is_a_valid_object_name_for_any_deployment()
        {
            Assert.Equal("posthog-runbook-posthog-integration", RemediationLock.LeaseNameFor("posthog-integration"));
            var longest = new string('a', 120) + "." + new string('b', 132);
            var name = RemediationLock.LeaseNameFor(longest);
            Assert.True(name.Length <= 253, name);
            Assert.Matches("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", name);
            Assert.NotEqual(name, RemediationLock.LeaseNameFor(longest[..^1] + "c"));
        }
    }
}
