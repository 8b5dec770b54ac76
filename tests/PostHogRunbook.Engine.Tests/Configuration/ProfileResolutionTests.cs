using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Configuration
{
    /// <summary>Issue 8 items 6 and 10: paths as the shell means them, and an explicit PostHog host deciding the region.</summary>
    public sealed class ProfileResolutionTests : IDisposable
    {
        readonly TestWorld world = new();

        public void Dispose() => world.Dispose();

        [Fact]
        public void A_relative_or_home_ConfigPath_is_resolved_by_the_shell_not_the_process_directory()
        {
            world.Write("work/runbook.json", "{ \"Deployment\": \"from-relative\" }");
            world.Write("home/runbook.json", "{ \"Deployment\": \"from-home\" }");

            Assert.Equal("from-relative", world.Resolve(configPath: "./runbook.json").Get(RunbookSetting.Deployment));
            Assert.Equal(Path.Combine(world.WorkingDirectory, "runbook.json"), world.Resolve(configPath: "runbook.json").ConfigPath);
            Assert.Equal("from-home", world.Resolve(configPath: "~/runbook.json").Get(RunbookSetting.Deployment));
            Assert.Contains("./runbook.json", world.ResolvedByShell);
        }

        [Fact]
        public void POSTHOG_RUNBOOK_CONFIG_is_resolved_by_the_shell_too()
        {
            world.Write("work/env.json", "{ \"Deployment\": \"from-env-file\" }");
            world.Variables["POSTHOG_RUNBOOK_CONFIG"] = "env.json";

            var profile = world.Resolve();

            Assert.Equal("from-env-file", profile.Get(RunbookSetting.Deployment));
            Assert.Equal(Path.Combine(world.WorkingDirectory, "env.json"), profile.ConfigPath);
        }

        [Fact]
        public void The_user_config_file_comes_from_the_injected_config_folder()
        {
            world.Write("home/.config/PostHogRunbook/config.json", "{ \"Deployment\": \"from-user-folder\" }");

            var profile = world.Resolve();

            Assert.Equal("from-user-folder", profile.Get(RunbookSetting.Deployment));
            Assert.Equal(SettingOrigin.ConfigFile(Path.Combine(world.ConfigFolder, "PostHogRunbook", "config.json")), profile.OriginOf(RunbookSetting.Deployment));
        }

        [Fact]
        public void A_missing_ConfigPath_names_what_was_typed_and_where_it_looked()
        {
            var failure = Assert.Single(world.Resolve(configPath: "./nope.json").Problems);

            Assert.Equal("ConfigFileNotFound", failure.ErrorId);
            Assert.Contains("'./nope.json'", failure.Message, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(world.WorkingDirectory, "nope.json"), failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_kubeconfig_parameter_or_KUBECONFIG_list_is_resolved_entry_by_entry_as_the_shell_means_it()
        {
            world.Variables["KUBECONFIG"] = $"a.yaml{Path.PathSeparator}~/b.yaml{Path.PathSeparator}{Path.PathSeparator}/abs/c.yaml";

            var fromEnvironment = world.Resolve().Get(RunbookSetting.KubeConfig);
            var fromParameter = world.Resolve(TestWorld.Parameters(("KubeConfig", "../other/kubeconfig"))).Get(RunbookSetting.KubeConfig);

            Assert.Equal(
                string.Join(Path.PathSeparator, Path.Combine(world.WorkingDirectory, "a.yaml"), Path.Combine(world.Home, "b.yaml"), "/abs/c.yaml"),
                fromEnvironment);
            Assert.Equal(Path.Combine(world.Root, "other", "kubeconfig"), fromParameter);
        }

        [Fact]
        public void A_kubeconfig_parameter_is_one_file_even_with_a_colon_in_it()
        {
            var environment = new RunbookEnvironment(_ => null, world.Home, world.ConfigFolder).WithPathResolver(path => path.Replace("TestDrive:", world.Root, StringComparison.Ordinal));

            var profile = RunbookProfile.Resolve(TestWorld.Parameters(("KubeConfig", "TestDrive:/kube/config")), null, environment);

            Assert.Equal(world.Root + "/kube/config", profile.Get(RunbookSetting.KubeConfig));
        }

        [Fact]
        public void A_kubeconfig_path_in_the_config_file_is_relative_to_that_file()
        {
            var file = world.Write("etc/runbook/config.json", "{ \"KubeConfig\": \"clusters/prod.yaml\" }");

            var profile = world.Resolve(configPath: file);

            Assert.Equal(Path.Combine(world.Root, "etc", "runbook", "clusters", "prod.yaml"), profile.Get(RunbookSetting.KubeConfig));
            Assert.DoesNotContain("clusters/prod.yaml", world.ResolvedByShell);
        }

        [Fact]
        public void A_path_the_shell_cannot_resolve_is_InvalidSetting_naming_it()
        {
            var environment = new RunbookEnvironment(_ => null, world.Home, world.ConfigFolder)
                .WithPathResolver(path => throw new ArgumentException($"'{path}' is a Environment path, not a file system path."));

            var failure = Assert.Single(RunbookProfile.Resolve(TestWorld.Parameters(("KubeConfig", "Env:/KUBECONFIG")), null, environment).Problems);

            Assert.Equal("InvalidSetting", failure.ErrorId);
            Assert.Contains("'Env:/KUBECONFIG'", failure.Message, StringComparison.Ordinal);
            Assert.Contains("not a file system path", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Without_any_kubeconfig_setting_the_home_kubeconfig_is_the_default_when_it_exists()
        {
            Assert.Null(world.Resolve().Get(RunbookSetting.KubeConfig));

            var home = world.Write("home/.kube/config", "apiVersion: v1");

            Assert.Equal(home, world.Resolve().Get(RunbookSetting.KubeConfig));
            Assert.Equal(SettingSource.Default, world.Resolve().SourceOf(RunbookSetting.KubeConfig));
        }

        [Theory]
        [InlineData("https://eu.i.posthog.com", "US", PostHogRegion.EU)]
        [InlineData("https://us.i.posthog.com", "EU", PostHogRegion.US)]
        [InlineData("eu.posthog.com", "US", PostHogRegion.EU)]
        public void An_explicit_PostHogHost_decides_the_region_over_a_Region_from_a_lower_source(string host, string environmentRegion, PostHogRegion expected)
        {
            world.Variables["POSTHOG_RUNBOOK_REGION"] = environmentRegion;

            Assert.Equal(expected, world.Resolve(TestWorld.Parameters(("PostHogHost", host))).GetRegion());
        }

        [Fact]
        public void A_Region_from_the_same_or_a_higher_source_wins_over_the_host()
        {
            world.Variables["POSTHOG_HOST"] = "https://eu.i.posthog.com";
            world.Variables["POSTHOG_RUNBOOK_REGION"] = "US";

            Assert.Equal(PostHogRegion.US, world.Resolve().GetRegion());
            Assert.Equal(PostHogRegion.US, world.Resolve(TestWorld.Parameters(("Region", "US"), ("PostHogHost", "https://eu.i.posthog.com"))).GetRegion());
            Assert.Equal(PostHogRegion.All, world.Resolve(TestWorld.Parameters(("Region", "All"))).GetRegion());
        }

        [Fact]
        public void A_self_hosted_PostHogHost_names_no_region_so_the_Region_setting_stands()
        {
            world.Variables["POSTHOG_RUNBOOK_REGION"] = "EU";

            Assert.Equal(PostHogRegion.EU, world.Resolve(TestWorld.Parameters(("PostHogHost", "https://posthog.internal.example"))).GetRegion());
        }
    }
}
