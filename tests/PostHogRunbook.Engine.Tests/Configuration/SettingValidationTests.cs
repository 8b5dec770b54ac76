using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Configuration
{
    /// <summary>Issue 8 item 8: every setting is checked by the same rule wherever it comes from, and the error names the source.</summary>
    public sealed class SettingValidationTests : IDisposable
    {
        readonly TestWorld world = new();

        public void Dispose() => world.Dispose();

        [Theory]
        [InlineData("0")]
        [InlineData("-5")]
        [InlineData("99999")]
        [InlineData("abc")]
        public void A_bad_TimeoutSec_from_the_environment_is_InvalidSetting_naming_the_variable(string value)
        {
            world.Variables["POSTHOG_RUNBOOK_TIMEOUT_SEC"] = value;

            var profile = world.Resolve();

            var failure = Assert.Throws<RunbookException>(profile.ThrowIfInvalid);
            Assert.Equal("InvalidSetting", failure.ErrorId);
            Assert.Contains("TimeoutSec", failure.Message, StringComparison.Ordinal);
            Assert.Contains($"'{value}'", failure.Message, StringComparison.Ordinal);
            Assert.Contains("the environment variable POSTHOG_RUNBOOK_TIMEOUT_SEC", failure.Message, StringComparison.Ordinal);
            Assert.Contains("from 1 to 600", failure.Message, StringComparison.Ordinal);
            Assert.Equal("Fix or unset POSTHOG_RUNBOOK_TIMEOUT_SEC.", failure.Details);
            Assert.Throws<RunbookException>(() => profile.Get(RunbookSetting.TimeoutSec));
        }

        [Theory]
        [InlineData("0")]
        [InlineData("-5")]
        [InlineData("99999")]
        [InlineData("\"abc\"")]
        public void A_bad_TimeoutSec_in_the_config_file_is_InvalidSetting_naming_the_file(string json)
        {
            var file = world.Write("runbook.json", $"{{ \"TimeoutSec\": {json} }}");

            var failure = Assert.Throws<RunbookException>(world.Resolve(configPath: file).ThrowIfInvalid);

            Assert.Equal("InvalidSetting", failure.ErrorId);
            Assert.Contains($"the config file '{file}'", failure.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("0")]
        [InlineData("601")]
        public void A_bad_TimeoutSec_as_a_parameter_is_refused_by_the_same_rule(string value)
        {
            var failure = Assert.Throws<RunbookException>(world.Resolve(TestWorld.Parameters(("TimeoutSec", value))).ThrowIfInvalid);

            Assert.Equal("InvalidSetting", failure.ErrorId);
            Assert.Contains("the -TimeoutSec parameter", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_good_TimeoutSec_is_used_and_its_origin_named_precisely()
        {
            world.Variables["POSTHOG_RUNBOOK_TIMEOUT_SEC"] = " 30 ";
            var file = world.Write("runbook.json", "{ \"TimeoutSec\": \"45\", \"NoiseFloor\": 0.02 }");

            Assert.Equal(30, world.Resolve().GetInt(RunbookSetting.TimeoutSec, 10));
            Assert.Equal(SettingOrigin.EnvironmentVariable("POSTHOG_RUNBOOK_TIMEOUT_SEC"), world.Resolve().OriginOf(RunbookSetting.TimeoutSec));
            var fromFile = world.Resolve(configPath: file);
            Assert.Equal(45, fromFile.GetInt(RunbookSetting.TimeoutSec, 10));
            Assert.Equal(0.02, fromFile.GetThresholds().NoiseFloor);
            Assert.Empty(fromFile.Problems);
        }

        [Theory]
        [InlineData("POSTHOG_RUNBOOK_NOISE_FLOOR", "1.5", "NoiseFloor")]
        [InlineData("POSTHOG_RUNBOOK_NOISE_FLOOR", "five", "NoiseFloor")]
        [InlineData("POSTHOG_RUNBOOK_REGION", "Mars", "Region")]
        [InlineData("POSTHOG_RUNBOOK_REGION", "1", "Region")]
        [InlineData("POSTHOG_RUNBOOK_PROMETHEUS_URL", "ftp://prometheus", "PrometheusUrl")]
        [InlineData("POSTHOG_RUNBOOK_NAMESPACE", "Analytics_Prod", "Namespace")]
        [InlineData("POSTHOG_RUNBOOK_DEPLOYMENT", "posthog integration", "Deployment")]
        [InlineData("POSTHOG_RUNBOOK_ERROR_METRIC", "posthog_errors_total{job=\"x\"}", "ErrorMetric")]
        [InlineData("POSTHOG_RUNBOOK_SECRET_KEY", "api key", "SecretKey")]
        [InlineData("POSTHOG_RUNBOOK_CONTEXT", "   ", "Context")]
        public void Every_kind_of_setting_is_checked_when_it_comes_from_the_environment(string variable, string value, string setting)
        {
            world.Variables[variable] = value;

            var failure = Assert.Throws<RunbookException>(world.Resolve().ThrowIfInvalid);

            Assert.Equal("InvalidSetting", failure.ErrorId);
            Assert.Equal(setting, failure.Target);
            Assert.Contains(variable, failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_region_in_any_case_is_taken_in_its_canonical_form()
        {
            world.Variables["POSTHOG_RUNBOOK_REGION"] = "eu";

            var profile = world.Resolve();

            Assert.Equal("EU", profile.Get(RunbookSetting.Region));
            Assert.Equal(PostHogRegion.EU, profile.GetRegion());
        }

        [Fact]
        public void Resolving_never_throws_so_the_profile_can_always_be_shown()
        {
            world.Variables["POSTHOG_RUNBOOK_TIMEOUT_SEC"] = "abc";
            world.Variables["POSTHOG_RUNBOOK_CONFIG"] = Path.Combine(world.Root, "missing.json");

            var profile = world.Resolve();

            Assert.Equal(new[] { "ConfigFileNotFound", "InvalidSetting" }, profile.Problems.Select(p => p.ErrorId));
            Assert.Equal("abc", profile.RawValueOf(RunbookSetting.TimeoutSec));
            var failure = Assert.Throws<RunbookException>(profile.ThrowIfInvalid);
            Assert.Equal("ConfigFileNotFound", failure.ErrorId);
            Assert.Contains("Also: InvalidSetting", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Unknown_keys_and_wrong_types_in_the_config_file_are_warnings_naming_them_and_are_ignored()
        {
            world.Variables["POSTHOG_RUNBOOK_DEPLOYMENT"] = "from-environment";
            var file = world.Write("runbook.json", """
                { "Timeout": 30, "TimeoutSec": true, "Deployment": 5, "HealthUrl": ["http://a"], "Namespace": "analytics", "Colour": "blue" }
                """);

            var profile = world.Resolve(configPath: file);

            Assert.Empty(profile.Problems);
            Assert.Equal(5, profile.Warnings.Count);
            Assert.Contains(profile.Warnings, w => w.Contains("\"Timeout\"", StringComparison.Ordinal) && w.Contains("did you mean TimeoutSec?", StringComparison.Ordinal) && w.Contains(file, StringComparison.Ordinal));
            Assert.Contains(profile.Warnings, w => w.Contains("\"Colour\", which is not a setting: it is ignored", StringComparison.Ordinal));
            Assert.Contains(profile.Warnings, w => w.Contains("\"TimeoutSec\" to a boolean (true), but it must be a number", StringComparison.Ordinal));
            Assert.Contains(profile.Warnings, w => w.Contains("\"Deployment\" to a number (5), but it must be a string", StringComparison.Ordinal));
            Assert.Contains(profile.Warnings, w => w.Contains("\"HealthUrl\" to an array", StringComparison.Ordinal));

            // Ignored values fall through to the next source.
            Assert.Equal("10", profile.Get(RunbookSetting.TimeoutSec));
            Assert.Equal("from-environment", profile.Get(RunbookSetting.Deployment));
            Assert.Equal(SettingSource.Environment, profile.SourceOf(RunbookSetting.Deployment));
            Assert.Equal("analytics", profile.Get(RunbookSetting.Namespace));
        }

        [Theory]
        [InlineData("[1, 2]", "must hold one JSON object of settings, not an array")]
        [InlineData("{ \"Deployment\": ", "is not valid JSON")]
        public void A_config_file_that_is_not_one_object_is_ConfigFileInvalid(string text, string expected)
        {
            var file = world.Write("runbook.json", text);

            var failure = Assert.Single(world.Resolve(configPath: file).Problems);

            Assert.Equal("ConfigFileInvalid", failure.ErrorId);
            Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_config_file_that_is_a_folder_is_ConfigFileInvalid_not_missing()
        {
            var failure = Assert.Single(world.Resolve(configPath: world.Home).Problems);

            Assert.Equal("ConfigFileInvalid", failure.ErrorId);
            Assert.Contains("is a folder", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_key_in_the_config_file_refuses_the_file_without_showing_the_key()
        {
            var file = world.Write("runbook.json", "{ \"ProjectApiKey\": \"phc_ThisMustNeverBeShown1234567890\" }");

            var failure = Assert.Single(world.Resolve(configPath: file).Problems);

            Assert.Equal("ConfigFileHoldsSecret", failure.ErrorId);
            Assert.DoesNotContain("ThisMustNeverBeShown", failure.Message, StringComparison.Ordinal);
        }
    }
}
