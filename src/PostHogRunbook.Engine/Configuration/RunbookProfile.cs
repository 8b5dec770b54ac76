using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>
    /// The runbook profile: each setting from, in order, the cmdlet's parameter, the session
    /// (Set-PostHogRunbookConfig), a JSON config file, the environment, the runbook's default.
    /// </summary>
    public sealed class RunbookProfile
    {
        readonly Dictionary<string, (string? Value, SettingSource Source)> values = new(StringComparer.OrdinalIgnoreCase);

        RunbookProfile(string? configPath)
        {
            ConfigPath = configPath;
        }

        /// <summary>The config file that was read, if any.</summary>
        public string? ConfigPath { get; }

        /// <summary>The config file in force: -ConfigPath, then $env:POSTHOG_RUNBOOK_CONFIG, then the user's config folder.</summary>
        public static string? LocateConfigFile(string? explicitPath)
        {
            if (!string.IsNullOrWhiteSpace(explicitPath))
            {
                if (!File.Exists(explicitPath))
                {
                    throw new RunbookException("ConfigFileNotFound", RunbookErrorKind.ObjectNotFound, $"The config file '{explicitPath}' does not exist.", explicitPath);
                }

                return explicitPath;
            }

            var fromEnvironment = Environment.GetEnvironmentVariable("POSTHOG_RUNBOOK_CONFIG");
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                if (!File.Exists(fromEnvironment))
                {
                    throw new RunbookException("ConfigFileNotFound", RunbookErrorKind.ObjectNotFound, $"The config file '{fromEnvironment}' named by POSTHOG_RUNBOOK_CONFIG does not exist.", fromEnvironment);
                }

                return fromEnvironment;
            }

            var userFile = DefaultUserConfigPath();
            return File.Exists(userFile) ? userFile : null;
        }

        public static string DefaultUserConfigPath()
            => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "PostHogRunbook", "config.json");

        /// <summary>
        /// Resolves every setting. <paramref name="parameters"/> holds the values the user passed (already strings);
        /// <paramref name="session"/> the runspace's Set-PostHogRunbookConfig values.
        /// </summary>
        public static RunbookProfile Resolve(IReadOnlyDictionary<string, string?> parameters, string? explicitConfigPath, IReadOnlyDictionary<string, string>? session = null)
        {
            var configPath = LocateConfigFile(explicitConfigPath);
            var profile = new RunbookProfile(configPath);
            var file = configPath == null ? null : ReadConfigFile(configPath);
            foreach (var setting in RunbookSetting.All)
            {
                profile.values[setting.Name] = ResolveOne(setting, parameters, session, file);
            }

            return profile;
        }

        public string? Get(RunbookSetting setting) => values.TryGetValue(setting.Name, out var entry) ? entry.Value : setting.DefaultValue;

        public SettingSource SourceOf(RunbookSetting setting) => values.TryGetValue(setting.Name, out var entry) ? entry.Source : SettingSource.Unset;

        public int GetInt(RunbookSetting setting, int fallback)
            => int.TryParse(Get(setting), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

        /// <summary>The severity thresholds: settings, so a team can tune its noise floor in its config file.</summary>
        public TriageThresholds GetThresholds()
        {
            var floor = GetRatio(RunbookSetting.NoiseFloor, TriageThresholds.Default.NoiseFloor);
            var degraded = GetRatio(RunbookSetting.DegradedRatio, TriageThresholds.Default.DegradedRatio);
            var outage = GetRatio(RunbookSetting.OutageRatio, TriageThresholds.Default.OutageRatio);
            if (!(floor <= degraded && degraded <= outage))
            {
                throw new RunbookException("InvalidThresholds", RunbookErrorKind.InvalidArgument, $"The thresholds must rise: NoiseFloor {floor} <= DegradedRatio {degraded} <= OutageRatio {outage}.", "Thresholds");
            }

            return new TriageThresholds(floor, degraded, outage);
        }

        double GetRatio(RunbookSetting setting, double fallback)
        {
            var text = Get(setting);
            if (string.IsNullOrWhiteSpace(text))
            {
                return fallback;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || value > 1)
            {
                throw new RunbookException("InvalidThresholds", RunbookErrorKind.InvalidArgument, $"The setting {setting.Name} ('{text}', from {SourceOf(setting)}) must be a ratio between 0 and 1.", setting.Name);
            }

            return value;
        }

        public Uri? GetUri(RunbookSetting setting)
        {
            var text = Get(setting);
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            if (!TryParseHttpUri(text, out var uri))
            {
                throw new RunbookException("InvalidSettingUrl", RunbookErrorKind.InvalidArgument, $"The setting {setting.Name} ('{text}', from {SourceOf(setting)}) is not an http(s) URL.", setting.Name);
            }

            return uri;
        }

        /// <summary>-Region wins; else the PostHog host says (us.*, eu.*); else All.</summary>
        public PostHogRegion GetRegion()
        {
            var region = Get(RunbookSetting.Region);
            if (!string.IsNullOrWhiteSpace(region))
            {
                if (Enum.TryParse<PostHogRegion>(region, ignoreCase: true, out var parsed))
                {
                    return parsed;
                }

                throw new RunbookException("InvalidRegion", RunbookErrorKind.InvalidArgument, $"The region '{region}' (from {SourceOf(RunbookSetting.Region)}) is not US, EU or All.", region);
            }

            return RegionOfHost(Get(RunbookSetting.PostHogHost));
        }

        /// <summary>An http(s) URL from a setting; a bare host name ("us.i.posthog.com") means https.</summary>
        public static bool TryParseHttpUri(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? uri)
        {
            var candidate = text.Trim();
            if (Uri.TryCreate(candidate.Contains("://", StringComparison.Ordinal) ? candidate : "https://" + candidate, UriKind.Absolute, out uri)
                && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return true;
            }

            uri = null;
            return false;
        }

        public static PostHogRegion RegionOfHost(string? host)
        {
            if (string.IsNullOrWhiteSpace(host))
            {
                return PostHogRegion.All;
            }

            var name = TryParseHttpUri(host, out var uri) ? uri.Host : host;
            name = name.ToLowerInvariant();
            if (name.StartsWith("us.", StringComparison.Ordinal) || name.StartsWith("us-", StringComparison.Ordinal) || name == "app.posthog.com")
            {
                return PostHogRegion.US;
            }

            return name.StartsWith("eu.", StringComparison.Ordinal) || name.StartsWith("eu-", StringComparison.Ordinal) ? PostHogRegion.EU : PostHogRegion.All;
        }

        static (string? Value, SettingSource Source) ResolveOne(RunbookSetting setting, IReadOnlyDictionary<string, string?> parameters, IReadOnlyDictionary<string, string>? session, JObject? file)
        {
            if (parameters.TryGetValue(setting.Name, out var given) && !string.IsNullOrEmpty(given))
            {
                return (given, SettingSource.Parameter);
            }

            if (session != null && session.TryGetValue(setting.Name, out var fromSession) && !string.IsNullOrEmpty(fromSession))
            {
                return (fromSession, SettingSource.Session);
            }

            if (!setting.IsSecret && file?.GetValue(setting.Name, StringComparison.OrdinalIgnoreCase) is { } token && token.Type != JTokenType.Null)
            {
                return (token.ToString(), SettingSource.ConfigFile);
            }

            foreach (var name in setting.EnvironmentNames)
            {
                var value = Environment.GetEnvironmentVariable(name);
                if (!string.IsNullOrEmpty(value))
                {
                    return (value, SettingSource.Environment);
                }
            }

            return setting.DefaultValue == null ? (null, SettingSource.Unset) : (setting.DefaultValue, SettingSource.Default);
        }

        static JObject ReadConfigFile(string path)
        {
            try
            {
                var token = JToken.Parse(File.ReadAllText(path));
                if (token is not JObject document)
                {
                    throw new RunbookException("ConfigFileInvalid", RunbookErrorKind.InvalidArgument, $"The config file '{path}' must hold one JSON object of settings.", path);
                }

                foreach (var property in document.Properties())
                {
                    if (RunbookSetting.Find(property.Name) is { IsSecret: true })
                    {
                        throw new RunbookException("ConfigFileHoldsSecret", RunbookErrorKind.InvalidArgument, $"The config file '{path}' holds {property.Name}: keys never belong in a config file. Remove it and pass the key as a SecureString parameter, with Set-PostHogRunbookConfig, or in the environment.", path);
                    }
                }

                return document;
            }
            catch (JsonException ex)
            {
                throw new RunbookException("ConfigFileInvalid", RunbookErrorKind.InvalidArgument, $"The config file '{path}' is not valid JSON: {ex.Message}", path);
            }
            catch (IOException ex)
            {
                throw new RunbookException("ConfigFileUnreadable", RunbookErrorKind.ResourceUnavailable, $"The config file '{path}' cannot be read: {ex.Message}", path);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new RunbookException("ConfigFileUnreadable", RunbookErrorKind.PermissionDenied, $"The config file '{path}' cannot be read: {ex.Message}", path);
            }
        }
    }
}
