using k8s;
using k8s.Models;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Kubernetes;
using Xunit;

namespace PostHogRunbook.Engine.Tests.LabKubernetes
{
    /// <summary>
    /// deploy/ as Kubernetes reads it: every manifest parsed by KubernetesClient's own YAML loader into its typed
    /// objects, the CronJob's schedule and limits, the bindings of the ServiceAccount to the Roles that exist, and
    /// the CronJob's environment against the settings the module really reads. (kubectl apply --dry-run against the
    /// lab, and the CronJob's script parsed and run by pwsh, are in tests/pester/InCluster.Tests.ps1.)
    /// </summary>
    public sealed class DeployManifestTests
    {
        const string Namespace = "posthog";

        static readonly string Folder = Path.GetDirectoryName(DeployManifests.TriageRole)!;

        static List<(string File, object Document)> All()
        {
            var documents = new List<(string, object)>();
            foreach (var file in Directory.GetFiles(Folder, "*.yaml").Order(StringComparer.Ordinal))
            {
                documents.AddRange(KubernetesYaml.LoadAllFromString(File.ReadAllText(file)).Select(d => (Path.GetFileName(file), d)));
            }

            return documents;
        }

        static T Single<T>() => Assert.Single(All().Select(d => d.Document).OfType<T>());

        static V1CronJob CronJob => Single<V1CronJob>();

        static V1Container Container => Assert.Single(CronJob.Spec.JobTemplate.Spec.Template.Spec.Containers);

        [Fact]
        public void Every_document_is_a_known_kind_with_apiVersion_kind_and_a_name_in_the_namespace()
        {
            var documents = All();
            Assert.Equal(
                new[] { "CronJob", "Role", "Role", "RoleBinding", "RoleBinding", "ServiceAccount" },
                documents.Select(d => ((IKubernetesObject<V1ObjectMeta>)d.Document).Kind).Order(StringComparer.Ordinal));
            Assert.All(documents, d =>
            {
                var item = Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(d.Document);
                Assert.False(string.IsNullOrEmpty(item.ApiVersion), d.File);
                Assert.NotNull(item.Metadata);
                Assert.Matches("^posthog-runbook(-[a-z]+)?$", item.Metadata.Name);
                Assert.Equal(Namespace, item.Metadata.NamespaceProperty);
                Assert.Equal("posthog-runbook", item.Metadata.Labels["app.kubernetes.io/name"]);
            });
        }

        [Fact]
        public void The_CronJob_triages_every_five_minutes_one_run_at_a_time_with_bounded_history()
        {
            var spec = CronJob.Spec;
            Assert.Equal("*/5 * * * *", spec.Schedule);
            Assert.Equal("Forbid", spec.ConcurrencyPolicy);
            Assert.InRange(spec.SuccessfulJobsHistoryLimit ?? -1, 1, 5);
            Assert.InRange(spec.FailedJobsHistoryLimit ?? -1, 1, 10);
            Assert.Equal(0, spec.JobTemplate.Spec.BackoffLimit);
            // Long enough for a rollout (RolloutTimeoutSec 300) after the triage, short of the next run but one.
            Assert.InRange(spec.JobTemplate.Spec.ActiveDeadlineSeconds ?? 0, 360, 900);
            Assert.Equal("Never", spec.JobTemplate.Spec.Template.Spec.RestartPolicy);
        }

        [Fact]
        public void The_CronJob_runs_pwsh_as_the_ServiceAccount_to_triage_and_resolve_P1_and_P2_without_a_prompt()
        {
            var pod = CronJob.Spec.JobTemplate.Spec.Template.Spec;
            Assert.Equal(Single<V1ServiceAccount>().Metadata.Name, pod.ServiceAccountName);
            Assert.NotEqual(false, pod.AutomountServiceAccountToken);
            Assert.NotEqual(false, Single<V1ServiceAccount>().AutomountServiceAccountToken);

            Assert.Equal("pwsh", Container.Command[0]);
            Assert.Equal("-Command", Container.Command[^1]);
            var script = Assert.Single(Container.Args);
            Assert.Contains("Invoke-PostHogTriage", script, StringComparison.Ordinal);
            Assert.Contains("-in 'P1', 'P2'", script, StringComparison.Ordinal);
            Assert.Contains("| Resolve-PostHogIncident -Confirm:$false", script, StringComparison.Ordinal);
        }

        [Fact]
        public void The_CronJob_runs_non_root_on_a_read_only_root_with_limits_and_writable_home_and_tmp()
        {
            var pod = CronJob.Spec.JobTemplate.Spec.Template.Spec;
            Assert.True(pod.SecurityContext.RunAsNonRoot);
            Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
            Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
            var security = Container.SecurityContext;
            Assert.True(security.ReadOnlyRootFilesystem);
            Assert.False(security.AllowPrivilegeEscalation);
            Assert.Equal(new[] { "ALL" }, security.Capabilities.Drop);
            Assert.True(Container.Resources.Requests.ContainsKey("cpu") && Container.Resources.Requests.ContainsKey("memory"));
            Assert.True(Container.Resources.Limits.ContainsKey("memory"));

            // pwsh writes under HOME and the temp folder: both are emptyDirs, since the root file system is read-only.
            var home = Assert.Single(Container.Env, e => e.Name == "HOME").Value;
            var mounted = Container.VolumeMounts.Select(m => m.MountPath).ToList();
            Assert.Contains(home, mounted);
            Assert.Contains("/tmp", mounted);
            Assert.All(Container.VolumeMounts, m => Assert.NotNull(Assert.Single(pod.Volumes, v => v.Name == m.Name).EmptyDir));
        }

        [Fact]
        public void The_RoleBindings_bind_the_ServiceAccount_to_the_Roles_that_exist_and_nothing_else()
        {
            var documents = All().Select(d => d.Document).ToList();
            var roles = documents.OfType<V1Role>().Select(r => r.Metadata.Name).ToList();
            Assert.Equal(new[] { "posthog-runbook-remediate", "posthog-runbook-triage" }, roles.Order(StringComparer.Ordinal));
            var bindings = documents.OfType<V1RoleBinding>().ToList();
            Assert.Equal(roles.Order(StringComparer.Ordinal), bindings.Select(b => b.RoleRef.Name).Order(StringComparer.Ordinal));
            var account = Single<V1ServiceAccount>();
            Assert.All(bindings, binding =>
            {
                Assert.Equal("Role", binding.RoleRef.Kind);
                Assert.Equal("rbac.authorization.k8s.io", binding.RoleRef.ApiGroup);
                var subject = Assert.Single(binding.Subjects);
                Assert.Equal(("ServiceAccount", account.Metadata.Name, account.Metadata.NamespaceProperty), (subject.Kind, subject.Name, subject.NamespaceProperty));
            });
            Assert.Empty(documents.OfType<V1ClusterRole>());
            Assert.Empty(documents.OfType<V1ClusterRoleBinding>());
        }

        [Fact]
        public void Every_POSTHOG_variable_of_the_CronJob_is_one_the_module_reads_and_keys_come_only_from_a_Secret()
        {
            var read = RunbookSetting.All.SelectMany(s => s.EnvironmentNames.Select(n => (Name: n, Setting: s)))
                .ToDictionary(p => p.Name, p => p.Setting, StringComparer.Ordinal);
            var inCluster = new[] { InClusterConfig.ServiceAccountNameVariable, InClusterConfig.ServiceAccountPathVariable };
            var env = Container.Env.Where(e => e.Name != JournalStoreVariable).ToList();
            Assert.All(env.Where(e => e.Name.StartsWith("POSTHOG", StringComparison.Ordinal)), variable =>
                Assert.True(read.ContainsKey(variable.Name) || inCluster.Contains(variable.Name), $"{variable.Name} is read by no setting of the module"));
            Assert.All(env.Where(e => !e.Name.StartsWith("POSTHOG", StringComparison.Ordinal)), variable => Assert.Equal("HOME", variable.Name));

            // Every value parses under the setting's own rule, as the profile would read it in the pod.
            var values = env.Where(e => e.Value != null).ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
            var profile = RunbookProfile.Resolve(new Dictionary<string, string?>(), null, new RunbookEnvironment(name => values.GetValueOrDefault(name), Path.GetTempPath(), Path.GetTempPath()));
            Assert.Empty(profile.Problems);
            Assert.Equal(SettingSource.Environment, profile.SourceOf(RunbookSetting.HealthUrl));

            // Keys come from the Secret (optional keys), never as values; nothing else comes from a Secret.
            Assert.All(env.Where(e => read.TryGetValue(e.Name, out var s) && s.IsSecret), key =>
            {
                Assert.Null(key.Value);
                Assert.True(key.ValueFrom.SecretKeyRef.Optional);
                Assert.Equal("posthog-runbook", key.ValueFrom.SecretKeyRef.Name);
            });
            Assert.All(env.Where(e => e.ValueFrom?.SecretKeyRef != null), e => Assert.True(read[e.Name].IsSecret));
            Assert.Equal("spec.serviceAccountName", Assert.Single(env, e => e.Name == InClusterConfig.ServiceAccountNameVariable).ValueFrom.FieldRef.FieldPath);

            // The pod has no kubeconfig: nothing names one, so the module takes the service account.
            Assert.DoesNotContain(env, e => read.TryGetValue(e.Name, out var s) && s == RunbookSetting.KubeConfig);
            Assert.DoesNotContain(env, e => e.Name is InClusterConfig.HostVariable or InClusterConfig.PortVariable);
        }

        const string JournalStoreVariable = "POSTHOG_RUNBOOK_JOURNAL_STORE";

        [Fact]
        public void The_CronJob_journals_to_the_cluster_through_the_JournalStore_setting()
        {
            var setting = RunbookSetting.Find("JournalStore");
            Assert.NotNull(setting);
            Assert.Contains(JournalStoreVariable, setting!.EnvironmentNames);
            Assert.Equal("Kubernetes", Assert.Single(Container.Env, e => e.Name == JournalStoreVariable).Value);
        }
    }
}
