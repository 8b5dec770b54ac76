using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace PostHogRunbook.Engine.Tests.LabKubernetes
{
    /// <summary>
    /// What a journal kept in ConfigMaps and a remediation lock kept in a Lease rely on, through the real
    /// KubernetesClient: optimistic concurrency (a stale resourceVersion is a 409 and changes nothing), the size
    /// and naming rules the API server enforces with its own messages, Leases in coordination.k8s.io/v1 and the
    /// discovery that makes clients find them; and the backup Secret a key rotation writes.
    /// </summary>
    public class JournalAndLockFidelityTests
    {
        const string Ns = InProcessCluster.Namespace;

        static V1ConfigMap Journal(string name, IDictionary<string, string> data) => new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "PostHogRunbook", ["posthog-runbook/incident"] = name },
            },
            Data = data,
        };

        static async Task<k8s.Autorest.HttpOperationException> RefusedAsync(Func<Task> call, HttpStatusCode code)
        {
            var failure = await Assert.ThrowsAsync<HttpOperationException>(call);
            Assert.Equal(code, failure.Response.StatusCode);
            return failure;
        }

        [Fact]
        public async Task Two_writers_appending_to_one_configmap_conflict_and_the_retry_loses_nothing()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var core = cluster.Client.CoreV1;
            await core.CreateNamespacedConfigMapAsync(Journal("inc-20261129-0756", new Dictionary<string, string> { ["000001"] = "opened" }), Ns);
            var first = await core.ReadNamespacedConfigMapAsync("inc-20261129-0756", Ns);
            var second = await core.ReadNamespacedConfigMapAsync("inc-20261129-0756", Ns);

            first.Data["000002"] = "fallback enabled by sre@laptop";
            var written = await core.ReplaceNamespacedConfigMapAsync(first, first.Metadata.Name, Ns);
            second.Data["000002"] = "triaged by ci";
            var failure = await RefusedAsync(() => core.ReplaceNamespacedConfigMapAsync(second, second.Metadata.Name, Ns), HttpStatusCode.Conflict);

            var status = InProcessCluster.StatusOf(failure);
            Assert.Equal("Conflict", status.GetProperty("reason").GetString());
            Assert.Equal("Operation cannot be fulfilled on configmaps \"inc-20261129-0756\": the object has been modified; please apply your changes to the latest version and try again",
                status.GetProperty("message").GetString());
            Assert.Equal("configmaps", status.GetProperty("details").GetProperty("kind").GetString());
            var retried = await core.ReadNamespacedConfigMapAsync("inc-20261129-0756", Ns);
            Assert.Equal(written.Metadata.ResourceVersion, retried.Metadata.ResourceVersion);
            retried.Data["000003"] = "triaged by ci";
            await core.ReplaceNamespacedConfigMapAsync(retried, retried.Metadata.Name, Ns);
            var final = await core.ReadNamespacedConfigMapAsync("inc-20261129-0756", Ns);
            Assert.Equal(new[] { "opened", "fallback enabled by sre@laptop", "triaged by ci" }, final.Data.OrderBy(e => e.Key).Select(e => e.Value));
        }

        [Fact]
        public async Task A_configmap_holds_at_most_one_mebibyte_of_data_and_the_append_past_it_is_a_422_that_writes_nothing()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var core = cluster.Client.CoreV1;
            var full = await core.CreateNamespacedConfigMapAsync(Journal("inc-big", new Dictionary<string, string>
            {
                ["000001"] = new string('a', 1024 * 1024 - 1),
            }), Ns);

            full.Data["000002"] = "é";
            var failure = await RefusedAsync(() => core.ReplaceNamespacedConfigMapAsync(full, full.Metadata.Name, Ns), (HttpStatusCode)422);

            var status = InProcessCluster.StatusOf(failure);
            Assert.Equal("Invalid", status.GetProperty("reason").GetString());
            Assert.Equal("ConfigMap \"inc-big\" is invalid: []: Too long: may not be more than 1048576 bytes", status.GetProperty("message").GetString());
            var cause = Assert.Single(status.GetProperty("details").GetProperty("causes").EnumerateArray());
            Assert.Equal(("FieldValueTooLong", "[]"), (cause.GetProperty("reason").GetString(), cause.GetProperty("field").GetString()));
            var stored = await core.ReadNamespacedConfigMapAsync("inc-big", Ns);
            Assert.Equal(full.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
            Assert.Single(stored.Data);

            // One byte fits exactly (é is two): keys do not count, only values.
            full.Data["000002"] = "b";
            await core.ReplaceNamespacedConfigMapAsync(full, full.Metadata.Name, Ns);
        }

        [Fact]
        public async Task A_body_over_three_mebibytes_is_refused_before_it_is_read()
        {
            await using var cluster = await InProcessCluster.StartAsync();

            var failure = await RefusedAsync(() => cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(
                Journal("inc-huge", new Dictionary<string, string> { ["000001"] = new string('a', 3 * 1024 * 1024) }), Ns), HttpStatusCode.RequestEntityTooLarge);

            Assert.Equal("Request entity too large: limit is 3145728", InProcessCluster.StatusOf(failure).GetProperty("message").GetString());
        }

        [Theory]
        [InlineData("INC-1", "000001", "posthog-runbook/incident", "inc-1",
            "ConfigMap \"INC-1\" is invalid: metadata.name: Invalid value: \"INC-1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
        [InlineData("inc-2", "2026-11-29T07:56:31Z", "posthog-runbook/incident", "inc-2",
            "ConfigMap \"inc-2\" is invalid: data[2026-11-29T07:56:31Z]: Invalid value: \"2026-11-29T07:56:31Z\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")]
        [InlineData("inc-3", "000001", "posthog-runbook/incident", "2026-11-29T07:56",
            "ConfigMap \"inc-3\" is invalid: metadata.labels: Invalid value: \"2026-11-29T07:56\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")]
        public async Task Names_keys_and_labels_the_server_would_refuse_are_refused_with_its_words(string name, string key, string label, string labelValue, string message)
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var configMap = new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { [label] = labelValue } },
                Data = new Dictionary<string, string> { [key] = "opened" },
            };

            var failure = await RefusedAsync(() => cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(configMap, Ns), (HttpStatusCode)422);

            Assert.Equal(message, InProcessCluster.StatusOf(failure).GetProperty("message").GetString());
            Assert.Empty((await cluster.Client.CoreV1.ListNamespacedConfigMapAsync(Ns, labelSelector: "app.kubernetes.io/managed-by=PostHogRunbook")).Items);
        }

        [Fact]
        public async Task A_backup_secret_is_created_beside_the_integrations_and_over_a_mebibyte_is_refused()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var secrets = cluster.Client.CoreV1;
            var current = await secrets.ReadNamespacedSecretAsync("posthog-secrets", Ns);

            var backup = await secrets.CreateNamespacedSecretAsync(new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "posthog-secrets-backup", Annotations = new Dictionary<string, string> { ["posthog-runbook/incident"] = "inc-1" } },
                Data = current.Data,
                Type = current.Type,
            }, Ns);
            var duplicate = await RefusedAsync(() => secrets.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "posthog-secrets-backup" } }, Ns), HttpStatusCode.Conflict);
            var huge = await RefusedAsync(() => secrets.CreateNamespacedSecretAsync(new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "too-big" },
                Data = new Dictionary<string, byte[]> { ["blob"] = new byte[(1024 * 1024) + 1] },
            }, Ns), (HttpStatusCode)422);

            Assert.Equal(current.Data["api-key"], backup.Data["api-key"]);
            Assert.Equal("Opaque", backup.Type);
            Assert.Equal("secrets \"posthog-secrets-backup\" already exists", InProcessCluster.StatusOf(duplicate).GetProperty("message").GetString());
            Assert.Equal("AlreadyExists", InProcessCluster.StatusOf(duplicate).GetProperty("reason").GetString());
            Assert.Equal("Secret \"too-big\" is invalid: data: Too long: may not be more than 1048576 bytes", InProcessCluster.StatusOf(huge).GetProperty("message").GetString());
        }

        [Fact]
        public async Task A_lease_is_taken_once_renewed_with_its_resource_version_and_a_stale_holder_gets_409()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var leases = cluster.Client.CoordinationV1;
            var acquired = new DateTime(2026, 11, 29, 7, 56, 31, 123, DateTimeKind.Utc).AddTicks(4560);

            var taken = await leases.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = "posthog-runbook-posthog-integration" },
                Spec = new V1LeaseSpec { HolderIdentity = "sre@laptop", LeaseDurationSeconds = 60, AcquireTime = acquired, RenewTime = acquired, LeaseTransitions = 0 },
            }, Ns);
            var second = await RefusedAsync(() => leases.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = "posthog-runbook-posthog-integration" },
                Spec = new V1LeaseSpec { HolderIdentity = "ci@runner", LeaseDurationSeconds = 60 },
            }, Ns), HttpStatusCode.Conflict);

            Assert.Equal("leases.coordination.k8s.io \"posthog-runbook-posthog-integration\" already exists", InProcessCluster.StatusOf(second).GetProperty("message").GetString());
            var read = await leases.ReadNamespacedLeaseAsync("posthog-runbook-posthog-integration", Ns);
            Assert.Equal("sre@laptop", read.Spec.HolderIdentity);
            Assert.Equal(acquired, read.Spec.AcquireTime);
            Assert.Equal("coordination.k8s.io/v1", read.ApiVersion);

            var stale = await leases.ReadNamespacedLeaseAsync("posthog-runbook-posthog-integration", Ns);
            read.Spec.RenewTime = acquired.AddSeconds(20);
            var renewed = await leases.ReplaceNamespacedLeaseAsync(read, read.Metadata.Name, Ns);
            Assert.NotEqual(taken.Metadata.ResourceVersion, renewed.Metadata.ResourceVersion);

            stale.Spec.HolderIdentity = "ci@runner";
            stale.Spec.LeaseTransitions = 1;
            var conflict = await RefusedAsync(() => leases.ReplaceNamespacedLeaseAsync(stale, stale.Metadata.Name, Ns), HttpStatusCode.Conflict);
            var status = InProcessCluster.StatusOf(conflict);
            Assert.Equal("Operation cannot be fulfilled on leases.coordination.k8s.io \"posthog-runbook-posthog-integration\": the object has been modified; please apply your changes to the latest version and try again",
                status.GetProperty("message").GetString());
            Assert.Equal("coordination.k8s.io", status.GetProperty("details").GetProperty("group").GetString());
            Assert.Equal("sre@laptop", (await leases.ReadNamespacedLeaseAsync("posthog-runbook-posthog-integration", Ns)).Spec.HolderIdentity);
        }

        [Fact]
        public async Task A_lease_can_be_created_by_a_put_and_its_spec_is_validated()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var leases = cluster.Client.CoordinationV1;

            var created = await leases.ReplaceNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = "by-put", NamespaceProperty = Ns },
                Spec = new V1LeaseSpec { HolderIdentity = "sre@laptop", LeaseDurationSeconds = 30 },
            }, "by-put", Ns);
            var invalid = await RefusedAsync(() => leases.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = "zero" },
                Spec = new V1LeaseSpec { LeaseDurationSeconds = 0 },
            }, Ns), (HttpStatusCode)422);

            Assert.NotNull(created.Metadata.Uid);
            Assert.Equal("sre@laptop", (await leases.ReadNamespacedLeaseAsync("by-put", Ns)).Spec.HolderIdentity);
            Assert.Equal("Lease.coordination.k8s.io \"zero\" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
                InProcessCluster.StatusOf(invalid).GetProperty("message").GetString());
        }

        [Fact]
        public async Task Discovery_lists_the_groups_and_resources_the_journal_the_lock_and_deploy_need()
        {
            await using var cluster = await InProcessCluster.StartAsync();

            var groups = await cluster.Client.Apis.GetAPIVersionsAsync();
            var coordination = await cluster.Client.CoordinationV1.GetAPIResourcesAsync();
            var rbac = await cluster.Client.RbacAuthorizationV1.GetAPIResourcesAsync();
            var batch = await cluster.Client.BatchV1.GetAPIResourcesAsync();
            var core = await cluster.Client.CoreV1.GetAPIResourcesAsync();

            Assert.Equal(new[] { "apps", "batch", "rbac.authorization.k8s.io", "coordination.k8s.io" }, groups.Groups.Select(g => g.Name));
            Assert.All(groups.Groups, g => Assert.Equal(g.Name + "/v1", g.PreferredVersion.GroupVersion));
            var lease = Assert.Single(coordination.Resources);
            Assert.Equal(("leases", "Lease", true), (lease.Name, lease.Kind, lease.Namespaced));
            Assert.Superset(new HashSet<string> { "get", "list", "watch", "create", "update", "patch", "delete" }, lease.Verbs.ToHashSet());
            Assert.Equal(new[] { "roles", "rolebindings" }, rbac.Resources.Select(r => r.Name));
            Assert.Equal("cronjobs", Assert.Single(batch.Resources).Name);
            Assert.Contains(core.Resources, r => r.Name == "configmaps" && r.Verbs.Contains("update"));
            Assert.Contains(core.Resources, r => r.Name == "serviceaccounts");
            Assert.Contains(core.Resources, r => r.Name == "pods/log");
        }

        [Fact]
        public async Task Roles_can_be_stored_and_an_invalid_one_is_refused_like_the_server_refuses_it()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var rbac = cluster.Client.RbacAuthorizationV1;
            var role = KubernetesYaml.Deserialize<V1Role>(await File.ReadAllTextAsync(DeployManifests.TriageRole));

            await rbac.CreateNamespacedRoleAsync(role, Ns);
            var invalid = await RefusedAsync(() => rbac.CreateNamespacedRoleAsync(new V1Role
            {
                Metadata = new V1ObjectMeta { Name = "broken" },
                Rules = new List<V1PolicyRule> { new() { ApiGroups = new List<string> { "" }, Resources = new List<string> { "pods" }, Verbs = new List<string>() } },
            }, Ns), (HttpStatusCode)422);

            var stored = await rbac.ReadNamespacedRoleAsync("posthog-runbook-triage", Ns);
            Assert.Equal(4, stored.Rules.Count);
            Assert.Equal(new[] { "posthog-secrets" }, stored.Rules[2].ResourceNames);
            Assert.Equal("Role.rbac.authorization.k8s.io \"broken\" is invalid: rules[0].verbs: Required value: verbs must contain at least one value",
                InProcessCluster.StatusOf(invalid).GetProperty("message").GetString());
        }
    }
}
