using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PostHogRunbook.Lab;
using Xunit;
using RunningLab = PostHogRunbook.Engine.Tests.Lab.RunningLab;

namespace PostHogRunbook.Engine.Tests.LabKubernetes
{
    /// <summary>
    /// The deploy/ Roles enforced by the lab as RBAC enforces them, through the real KubernetesClient: what each
    /// allows, what it refuses with RBAC's own message, and the rules of matching (resourceNames, subresources,
    /// wildcards, a Role's namespace) that decide whether the runbook's calls get through.
    /// </summary>
    public class RbacEnforcementTests
    {
        const string Ns = InProcessCluster.Namespace;
        const string EnvPatch = """{"spec":{"template":{"spec":{"containers":[{"name":"integration","env":[{"name":"POSTHOG_FALLBACK","value":"true"}]}]}}}}""";

        static string Refusal(string subject, string verb, string resource, string group, string scope = "in the namespace \"posthog\"") =>
            $"{subject} is forbidden: User \"lab-user\" cannot {verb} resource \"{resource}\" in API group \"{group}\" {scope}";

        [Fact]
        public async Task The_triage_role_allows_every_read_triage_makes()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            cluster.EnforceRoles(DeployManifests.TriageRole);

            var deployment = await cluster.ReadDeploymentAsync();
            var pods = await cluster.IntegrationPodsAsync();
            var log = await cluster.ReadLogAsync(pods[0].Metadata.Name, sinceSeconds: 300);
            var warnings = await cluster.Client.CoreV1.ListNamespacedEventAsync(Ns, fieldSelector: "type=Warning");
            var secret = await cluster.Client.CoreV1.ReadNamespacedSecretAsync("posthog-secrets", Ns);

            Assert.Equal("posthog-integration", deployment.Metadata.Name);
            Assert.Equal(3, pods.Count);
            Assert.NotEmpty(log);
            Assert.NotNull(warnings.Items);
            Assert.Equal(LabKeys.Good, Encoding.UTF8.GetString(secret.Data["api-key"]));
            Assert.All(cluster.Context.Requests, r => Assert.True(r.Status < 400, $"{r.Method} {r.Path} answered {r.Status}"));
        }

        [Fact]
        public async Task The_triage_role_refuses_remediation_with_rbacs_message_and_nothing_changes()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            cluster.EnforceRoles(DeployManifests.TriageRole);
            var before = await cluster.ReadDeploymentAsync();

            var status = await InProcessCluster.AssertForbiddenAsync(() => cluster.PatchDeploymentAsync(EnvPatch),
                Refusal("deployments.apps \"posthog-integration\"", "patch", "deployments", "apps"));

            Assert.Equal(403, status.GetProperty("code").GetInt32());
            var details = status.GetProperty("details");
            Assert.Equal("posthog-integration", details.GetProperty("name").GetString());
            Assert.Equal("apps", details.GetProperty("group").GetString());
            Assert.Equal("deployments", details.GetProperty("kind").GetString());
            Assert.Equal(before.Metadata.ResourceVersion, (await cluster.ReadDeploymentAsync()).Metadata.ResourceVersion);
            var secret = await cluster.Client.CoreV1.ReadNamespacedSecretAsync("posthog-secrets", Ns);
            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "posthog-secrets", Ns),
                Refusal("secrets \"posthog-secrets\"", "update", "secrets", ""));
            var patch = Assert.Single(cluster.Context.Requests, r => r.Method == "PATCH");
            Assert.Equal(("patch", "apps", "deployments", Ns, "posthog-integration", 403), (patch.Verb, patch.ApiGroup, patch.Resource, patch.Namespace, patch.Name, patch.Status));
        }

        [Fact]
        public async Task A_secret_granted_by_name_is_readable_but_no_list_and_no_other_name_even_one_that_does_not_exist()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            cluster.EnforceRoles(DeployManifests.TriageRole);

            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.CoreV1.ListNamespacedSecretAsync(Ns),
                Refusal("secrets", "list", "secrets", ""));
            // Authorisation comes before the lookup: a name outside the rule is 403, not 404.
            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.CoreV1.ReadNamespacedSecretAsync("posthog-secrets-backup", Ns),
                Refusal("secrets \"posthog-secrets-backup\"", "get", "secrets", ""));
            // A list by field selector names the secret, but the rule grants get, not list.
            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.CoreV1.ListNamespacedSecretAsync(Ns, fieldSelector: "metadata.name=posthog-secrets"),
                Refusal("secrets \"posthog-secrets\"", "list", "secrets", ""));
            Assert.Equal("posthog-secrets", (await cluster.Client.CoreV1.ReadNamespacedSecretAsync("posthog-secrets", Ns)).Metadata.Name);
        }

        [Fact]
        public async Task A_role_grants_in_its_own_namespace_only()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            cluster.EnforceRoles(DeployManifests.TriageRole);

            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.CoreV1.ListNamespacedPodAsync("default"),
                Refusal("pods", "list", "pods", "", "in the namespace \"default\""));
            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.CoreV1.ListNamespaceAsync(),
                Refusal("namespaces", "list", "namespaces", "", "at the cluster scope"));
            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.CoreV1.ListPodForAllNamespacesAsync(),
                Refusal("pods", "list", "pods", "", "at the cluster scope"));
        }

        [Fact]
        public async Task The_remediate_role_patches_and_watches_the_integrations_deployment_and_no_other()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            cluster.EnforceRoles(DeployManifests.RemediateRole);

            var patched = await cluster.PatchDeploymentAsync(EnvPatch);
            Assert.Contains(patched.Spec.Template.Spec.Containers[0].Env, e => e.Name == "POSTHOG_FALLBACK" && e.Value == "true");

            await InProcessCluster.AssertForbiddenAsync(
                () => cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(EnvPatch, V1Patch.PatchType.StrategicMergePatch), "billing-worker", Ns),
                Refusal("deployments.apps \"billing-worker\"", "patch", "deployments", "apps"));
            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.AppsV1.ListNamespacedDeploymentAsync(Ns),
                Refusal("deployments.apps", "list", "deployments", "apps"));

            // What `kubectl rollout status` sends: a list, then a watch, both naming the deployment by field selector.
            var named = await cluster.Client.AppsV1.ListNamespacedDeploymentAsync(Ns, fieldSelector: "metadata.name=posthog-integration");
            Assert.Single(named.Items);
            using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var seen = new List<string>();
            await foreach (var (type, item) in cluster.Client.AppsV1.WatchListNamespacedDeploymentAsync(Ns,
                fieldSelector: "metadata.name=posthog-integration", resourceVersion: "0", cancellationToken: watching.Token))
            {
                seen.Add(type + " " + item.Metadata.Name);
                break;
            }

            Assert.Equal(new[] { "Added posthog-integration" }, seen);
            var replicaSets = await cluster.Client.AppsV1.ListNamespacedReplicaSetAsync(Ns, labelSelector: InProcessCluster.Selector);
            Assert.NotEmpty(replicaSets.Items);
        }

        [Fact]
        public async Task The_remediate_role_creates_any_secret_but_reads_and_replaces_only_the_integrations_and_its_backup()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            cluster.EnforceRoles(DeployManifests.RemediateRole);
            var secrets = cluster.Client.CoreV1;
            var current = await secrets.ReadNamespacedSecretAsync("posthog-secrets", Ns);

            var backup = await secrets.CreateNamespacedSecretAsync(new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "posthog-secrets-backup", Labels = new Dictionary<string, string> { ["app"] = "posthog-integration" } },
                Data = current.Data,
            }, Ns);
            Assert.Equal(current.Data["api-key"], (await secrets.ReadNamespacedSecretAsync("posthog-secrets-backup", Ns)).Data["api-key"]);

            // create is not limited by name: a backup under another name is created, then cannot be read back.
            await secrets.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "posthog-secrets-backup-2" }, Data = current.Data }, Ns);
            await InProcessCluster.AssertForbiddenAsync(() => secrets.ReadNamespacedSecretAsync("posthog-secrets-backup-2", Ns),
                Refusal("secrets \"posthog-secrets-backup-2\"", "get", "secrets", ""));

            current.Data["api-key"] = Encoding.UTF8.GetBytes("phc_rotated");
            var replaced = await secrets.ReplaceNamespacedSecretAsync(current, "posthog-secrets", Ns);
            Assert.NotEqual(current.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
            await InProcessCluster.AssertForbiddenAsync(() => secrets.DeleteNamespacedSecretAsync(backup.Metadata.Name, Ns),
                Refusal("secrets \"posthog-secrets-backup\"", "delete", "secrets", ""));
            await InProcessCluster.AssertForbiddenAsync(
                () => secrets.PatchNamespacedSecretAsync(new V1Patch("""{"data":{"api-key":"eA=="}}""", V1Patch.PatchType.MergePatch), "posthog-secrets", Ns),
                Refusal("secrets \"posthog-secrets\"", "patch", "secrets", ""));
        }

        [Fact]
        public async Task The_remediate_role_covers_the_journals_configmaps_and_the_lock_and_never_deletes_a_journal()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            cluster.EnforceRoles(DeployManifests.RemediateRole);
            var core = cluster.Client.CoreV1;

            var journal = await core.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = "posthog-incident-1", Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "PostHogRunbook" } },
                Data = new Dictionary<string, string> { ["000001"] = "opened" },
            }, Ns);
            journal.Data["000002"] = "fallback enabled";
            await core.ReplaceNamespacedConfigMapAsync(journal, journal.Metadata.Name, Ns);
            var listed = await core.ListNamespacedConfigMapAsync(Ns, labelSelector: "app.kubernetes.io/managed-by=PostHogRunbook");
            Assert.Equal(2, Assert.Single(listed.Items).Data.Count);

            var lease = await cluster.Client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = "posthog-integration" },
                Spec = new V1LeaseSpec { HolderIdentity = "sre@laptop", LeaseDurationSeconds = 60 },
            }, Ns);
            lease.Spec.RenewTime = DateTime.UtcNow;
            var renewed = await cluster.Client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, lease.Metadata.Name, Ns);

            await InProcessCluster.AssertForbiddenAsync(() => core.DeleteNamespacedConfigMapAsync("posthog-incident-1", Ns),
                Refusal("configmaps \"posthog-incident-1\"", "delete", "configmaps", ""));

            // The lock is released by a delete with the holder's resourceVersion as its precondition.
            await cluster.Client.CoordinationV1.DeleteNamespacedLeaseAsync("posthog-integration", Ns,
                new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = renewed.Metadata.ResourceVersion } });
            var gone = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync("posthog-integration", Ns));
            Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
        }

        [Fact]
        public async Task Subresources_wildcards_and_resource_names_match_as_rbac_matches_them()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var pod = (await cluster.IntegrationPodsAsync())[0].Metadata.Name;

            // "pods" does not grant "pods/log": the subresource is named in the message, the resource in its subject.
            cluster.Context.Rbac.Enforce(Role("""{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }"""));
            await InProcessCluster.AssertForbiddenAsync(() => cluster.ReadLogAsync(pod),
                Refusal($"pods \"{pod}\"", "get", "pods/log", ""));

            // "*/log" grants every log and nothing else.
            cluster.Context.Rbac.Enforce(Role("""{ apiGroups: [""], resources: ["*/log"], verbs: ["get"] }"""));
            Assert.NotEmpty(await cluster.ReadLogAsync(pod));
            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.CoreV1.ReadNamespacedPodAsync(pod, Ns),
                Refusal($"pods \"{pod}\"", "get", "pods", ""));

            // A rule with resourceNames never allows a create: RBAC sees no name on one.
            cluster.Context.Rbac.Enforce(Role("""{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["journal"], verbs: ["create", "get"] }"""));
            await InProcessCluster.AssertForbiddenAsync(
                () => cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "journal" } }, Ns),
                Refusal("configmaps", "create", "configmaps", ""));

            // Everything in the Role's namespace, nothing outside it; a ClusterRole reaches everywhere.
            cluster.Context.Rbac.Enforce(Role("""{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }"""));
            Assert.NotEmpty(await cluster.ReadLogAsync(pod));
            await cluster.PatchDeploymentAsync(EnvPatch);
            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.CoreV1.ListNamespacedConfigMapAsync("kube-system"),
                Refusal("configmaps", "list", "configmaps", "", "in the namespace \"kube-system\""));
            cluster.Context.Rbac.Enforce("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: { name: reader }
                rules:
                - { apiGroups: [""], resources: ["namespaces", "configmaps"], verbs: ["list"] }
                """);
            Assert.Contains((await cluster.Client.CoreV1.ListNamespaceAsync()).Items, n => n.Metadata.Name == "kube-system");
            Assert.NotEmpty((await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("kube-system")).Items);
        }

        [Fact]
        public async Task The_scenarios_refusals_come_first_and_allow_all_lifts_only_the_roles()
        {
            await using var cluster = await InProcessCluster.StartAsync("rbac-no-secrets");
            cluster.EnforceRoles(DeployManifests.TriageRole);

            // The scenario refuses as its own user, even what the Role allows.
            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.CoreV1.ReadNamespacedSecretAsync("posthog-secrets", Ns),
                "secrets \"posthog-secrets\" is forbidden: User \"lab-readonly\" cannot get resource \"secrets\" in API group \"\" in the namespace \"posthog\"");
            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.AppsV1.ListNamespacedReplicaSetAsync(Ns), Refusal("replicasets.apps", "list", "replicasets", "apps"));

            cluster.Context.Rbac.AllowAll();

            Assert.False(cluster.Context.Rbac.Enforcing);
            Assert.NotEmpty((await cluster.Client.AppsV1.ListNamespacedReplicaSetAsync(Ns)).Items);
            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.CoreV1.ListNamespacedSecretAsync(Ns),
                "secrets is forbidden: User \"lab-readonly\" cannot list resource \"secrets\" in API group \"\" in the namespace \"posthog\"");
            cluster.Context.SwitchScenario("healthy");
            Assert.NotEmpty((await cluster.Client.CoreV1.ListNamespacedSecretAsync(Ns)).Items);
        }

        [Fact]
        public async Task A_test_switches_roles_at_run_time_through_the_control_port_and_the_record_shows_every_write()
        {
            await using var lab = await RunningLab.StartAsync();
            var control = lab.Endpoints.ControlUrl + "/_lab/rbac";
            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(lab.Endpoints.KubeconfigPath));
            var patch = new V1Patch(EnvPatch, V1Patch.PatchType.StrategicMergePatch);

            using (var triage = await lab.Http.PutAsync(control + "?user=system:serviceaccount:posthog:posthog-runbook",
                new StringContent(await File.ReadAllTextAsync(DeployManifests.TriageRole), Encoding.UTF8, "application/yaml")))
            {
                var described = await RunningLab.JsonAsync(triage);
                Assert.Equal(HttpStatusCode.OK, triage.StatusCode);
                Assert.True(described.GetProperty("enforcing").GetBoolean());
                Assert.Equal("system:serviceaccount:posthog:posthog-runbook", described.GetProperty("user").GetString());
                Assert.Equal("posthog-runbook-triage", Assert.Single(described.GetProperty("roles").EnumerateArray()).GetProperty("name").GetString());
            }

            await InProcessCluster.AssertForbiddenAsync(() => client.AppsV1.PatchNamespacedDeploymentAsync(patch, "posthog-integration", Ns),
                "deployments.apps \"posthog-integration\" is forbidden: User \"system:serviceaccount:posthog:posthog-runbook\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"posthog\"");

            var remediate = """
                {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"patcher","namespace":"posthog"},
                 "rules":[{"apiGroups":["apps"],"resources":["deployments"],"verbs":["get","patch"]}]}
                """;
            using (var json = await lab.Http.PutAsync(control, new StringContent(remediate, Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.OK, json.StatusCode);
                Assert.Equal("lab-user", (await RunningLab.JsonAsync(json)).GetProperty("user").GetString());
            }

            await client.AppsV1.PatchNamespacedDeploymentAsync(patch, "posthog-integration", Ns, dryRun: "All");
            await client.AppsV1.PatchNamespacedDeploymentAsync(patch, "posthog-integration", Ns);
            await InProcessCluster.AssertForbiddenAsync(() => client.CoreV1.ListNamespacedPodAsync(Ns), Refusal("pods", "list", "pods", ""));

            using (var allowAll = await lab.Http.DeleteAsync(control))
            {
                Assert.False((await RunningLab.JsonAsync(allowAll)).GetProperty("enforcing").GetBoolean());
            }

            Assert.NotEmpty((await client.CoreV1.ListNamespacedPodAsync(Ns)).Items);

            using var writes = await lab.GetAsync(lab.Endpoints.ControlUrl + "/_lab/requests?part=kubernetes&writes=true");
            var recorded = (await RunningLab.JsonAsync(writes)).EnumerateArray()
                .Select(r => (r.GetProperty("method").GetString(), r.GetProperty("verb").GetString(), r.GetProperty("apiGroup").GetString(),
                    r.GetProperty("resource").GetString(), r.GetProperty("name").GetString(), r.GetProperty("status").GetInt32()))
                .ToList();
            Assert.Equal(new (string?, string?, string?, string?, string?, int)[]
            {
                ("PATCH", "patch", "apps", "deployments", "posthog-integration", 403),
                ("PATCH", "patch", "apps", "deployments", "posthog-integration", 200),
            }, recorded);
            using var lists = await lab.GetAsync(lab.Endpoints.ControlUrl + "/_lab/requests?part=kubernetes&verb=list");
            Assert.Equal(new[] { 403, 200 }, (await RunningLab.JsonAsync(lists)).EnumerateArray().Select(r => r.GetProperty("status").GetInt32()));
        }

        [Fact]
        public async Task The_service_account_mount_is_a_second_identity_that_rbac_names_in_its_refusals()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            cluster.EnforceRoles(DeployManifests.RemediateRole);
            var mount = cluster.Endpoint.ServiceAccountDirectory;
            var authority = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            authority.ImportFromPemFile(Path.Combine(mount, "ca.crt"));

            // What KubernetesClientConfiguration.InClusterConfig builds from the mount, with the lab as the service host.
            using var serviceAccount = new k8s.Kubernetes(new KubernetesClientConfiguration
            {
                Host = cluster.Endpoint.Url,
                AccessToken = await File.ReadAllTextAsync(Path.Combine(mount, "token")),
                SslCaCerts = authority,
                Namespace = await File.ReadAllTextAsync(Path.Combine(mount, "namespace")),
            });

            Assert.Equal(Ns, await File.ReadAllTextAsync(Path.Combine(mount, "namespace")));
            Assert.Equal("posthog-integration", (await serviceAccount.AppsV1.ReadNamespacedDeploymentAsync("posthog-integration", Ns)).Metadata.Name);
            await serviceAccount.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(EnvPatch, V1Patch.PatchType.StrategicMergePatch), "posthog-integration", Ns);
            await InProcessCluster.AssertForbiddenAsync(() => serviceAccount.CoreV1.ListNamespacedSecretAsync(Ns),
                "secrets is forbidden: User \"system:serviceaccount:posthog:posthog-runbook\" cannot list resource \"secrets\" in API group \"\" in the namespace \"posthog\"");
            await InProcessCluster.AssertForbiddenAsync(() => cluster.Client.CoreV1.ListNamespacedSecretAsync(Ns), Refusal("secrets", "list", "secrets", ""));
        }

        [Theory]
        [InlineData("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: empty }\nrules:\n- { apiGroups: [\"\"], resources: [\"pods\"] }\n",
            "Role.rbac.authorization.k8s.io \"empty\" is invalid: rules[0].verbs: Required value: verbs must contain at least one value")]
        [InlineData("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: two }\nrules:\n- { apiGroups: [\"\"], resources: [\"pods\", \"secrets\"], resourceNames: [\"a\"], verbs: [\"get\"] }\n",
            "rules[0].resourceNames: Required value: resource names cannot apply to multiple resources")]
        [InlineData("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: typo }\nrules:\n- { apiGroups: [\"\"], resources: [\"secrets\"], resourceName: [\"a\"], verbs: [\"get\"] }\n",
            "resourceName")]
        [InlineData("apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: posthog-runbook }\n", "no Role or ClusterRole (rbac.authorization.k8s.io/v1) in it")]
        public async Task A_body_without_a_valid_role_is_a_400_that_says_why_and_the_enforced_roles_stay(string body, string expected)
        {
            await using var lab = await RunningLab.StartAsync();
            var control = lab.Endpoints.ControlUrl + "/_lab/rbac";
            using (var triage = await lab.Http.PutAsync(control, new StringContent(await File.ReadAllTextAsync(DeployManifests.TriageRole))))
            {
                triage.EnsureSuccessStatusCode();
            }

            using var refused = await lab.Http.PutAsync(control, new StringContent(body, Encoding.UTF8, "application/yaml"));

            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(expected, (await RunningLab.JsonAsync(refused)).GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal("lab-user", lab.Host.Context.Rbac.User);
            using var current = await lab.GetAsync(control);
            Assert.Equal("posthog-runbook-triage", (await RunningLab.JsonAsync(current)).GetProperty("roles")[0].GetProperty("name").GetString());
        }

        [Fact]
        public void The_command_line_enforces_role_files_from_the_start_and_refuses_a_bad_one_as_a_usage_error()
        {
            var parsed = PostHogRunbook.Lab.Hosting.LabCommandLine.Parse(new[]
            {
                "--rbac-role", DeployManifests.TriageRole, "--rbac-role", DeployManifests.RemediateRole, "--rbac-user", "oncall@example.com",
            });
            var context = new LabContext(parsed.Options with { StateDirectory = Path.GetTempPath() });

            Assert.Equal(2, parsed.Options.RbacRoleFiles!.Count);
            Assert.True(context.Rbac.Enforcing);
            Assert.Equal("oncall@example.com", context.Rbac.User);
            Assert.Equal(new[] { "posthog-runbook-triage", "posthog-runbook-remediate" },
                context.Rbac.Describe()["roles"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
            // A folder is its manifests, as for kubectl apply -f deploy/.
            var folder = PostHogRunbook.Lab.Hosting.LabCommandLine.Parse(new[] { "--rbac-role", Path.GetDirectoryName(DeployManifests.TriageRole)! });
            var fromFolder = new LabContext(folder.Options with { StateDirectory = Path.GetTempPath() });
            Assert.Contains(fromFolder.Rbac.Describe()["roles"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "posthog-runbook-remediate");
            var missing = Assert.Throws<ArgumentException>(() => PostHogRunbook.Lab.Hosting.LabCommandLine.Parse(new[] { "--rbac-role", "/no/such/role.yaml" }));
            Assert.Contains("/no/such/role.yaml", missing.Message, StringComparison.Ordinal);
        }

        static string Role(string rule) => $$"""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: { name: probe, namespace: posthog }
            rules:
            - {{rule}}
            """;
    }
}
