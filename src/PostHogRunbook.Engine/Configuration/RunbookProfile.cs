using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>
    /// The runbook profile: each setting from, in order, the cmdlet's parameter, the session
    /// (Set-PostHogRunbookConfig), a JSON config file, the environment, the runbook's default.
    /// </summary>
    public sealed class RunbookProfile
    {
        readonly Dictionary<string, ResolvedSetting> values = new(StringComparer.OrdinalIgnoreCase);
        readonly List<RunbookException> problems = new();
        readonly List<string> warnings = new();

        RunbookProfile(string? configPath, RunbookEnvironment environment)
        {
            ConfigPath = configPath;
            Environment = environment;
        }

        /// <summary>The config file that was read, if any.</summary>
        public string? ConfigPath { get; }

        /// <summary>The environment the profile was resolved in (variables, folders, how typed paths resolve).</summary>
        public RunbookEnvironment Environment { get; }

        /// <summary>
        /// What makes the profile unusable: a config file that cannot be read, a setting whose value breaks its
        /// rule. Commands that act fail on the first (<see cref="ThrowIfInvalid"/>); Get-PostHogRunbookConfig
        /// shows them as warnings.
        /// </summary>
        public IReadOnlyList<RunbookException> Problems => problems;

        /// <summary>What was ignored, and why: unknown keys and wrongly typed values in the config file.</summary>
        public IReadOnlyList<string> Warnings => warnings;

        /// <summary>The config file in force: -ConfigPath, then $env:POSTHOG_RUNBOOK_CONFIG, then the user's config folder.</summary>
        public static string? LocateConfigFile(string? explicitPath) => LocateConfigFile(explicitPath, RunbookEnvironment.Process);

        /// <summary>The config file in force, its path resolved as the shell means it; ConfigFileNotFound when a named one is missing.</summary>
        public static string? LocateConfigFile(string? explicitPath, RunbookEnvironment environment)
        {
            ArgumentNullException.ThrowIfNull(environment);
            if (!string.IsNullOrWhiteSpace(explicitPath))
            {
                return Existing(ResolveConfigPath(explicitPath, "the -ConfigPath parameter", environment), $"The config file '{explicitPath}' does not exist");
            }

            var fromEnvironment = environment.Variable(ConfigVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return Existing(ResolveConfigPath(fromEnvironment, $"the environment variable {ConfigVariable}", environment), $"The config file '{fromEnvironment}' named by {ConfigVariable} does not exist");
            }

            var userFile = DefaultUserConfigPath(environment);
            return File.Exists(userFile) || Directory.Exists(userFile) ? userFile : null;
        }

        public static string DefaultUserConfigPath() => DefaultUserConfigPath(RunbookEnvironment.Process);

        public static string DefaultUserConfigPath(RunbookEnvironment environment)
            => Path.Combine((environment ?? throw new ArgumentNullException(nameof(environment))).UserConfigFolder, "PostHogRunbook", "config.json");

        /// <summary>Resolves every setting. <paramref name="parameters"/> holds the values the user passed (already strings).</summary>
        public static RunbookProfile Resolve(IReadOnlyDictionary<string, string?> parameters, string? explicitConfigPath)
            => Resolve(parameters, explicitConfigPath, RunbookEnvironment.Process);

        /// <summary>
        /// Resolves every setting in <paramref name="environment"/>. Never throws for a bad source or value: each
        /// is kept in <see cref="Problems"/> (and thrown by the getters of that setting), so the profile can
        /// always be shown.
        /// </summary>
        /// <param name="session">The runspace's Set-PostHogRunbookConfig values (the cmdlets keep one set per runspace).</param>
        /// <param name="secrets">The keys passed as SecureString parameters and kept in the session: they stay SecureString.</param>
        public static RunbookProfile Resolve(IReadOnlyDictionary<string, string?> parameters, string? explicitConfigPath, RunbookEnvironment environment, IReadOnlyDictionary<string, string>? session = null, SecretInputs? secrets = null)
        {
            ArgumentNullException.ThrowIfNull(parameters);
            ArgumentNullException.ThrowIfNull(environment);
            string? configPath = null;
            ConfigFile? file = null;
            var fileProblems = new List<RunbookException>();
            try
            {
                configPath = LocateConfigFile(explicitConfigPath, environment);
                file = configPath == null ? null : ConfigFile.Read(configPath);
            }
            catch (RunbookException ex)
            {
                fileProblems.Add(ex);
            }

            var profile = new RunbookProfile(configPath, environment);
            profile.problems.AddRange(fileProblems);
            if (file != null)
            {
                profile.warnings.AddRange(file.Warnings);
            }

            foreach (var setting in RunbookSetting.All)
            {
                var resolved = setting.IsSecret ? ResolveSecret(setting, parameters, secrets, environment) : ResolveOne(setting, parameters, session, file, environment);
                profile.values[setting.Name] = resolved;
                if (resolved.Problem != null)
                {
                    profile.problems.Add(resolved.Problem);
                }
            }

            return profile;
        }

        /// <summary>Fails with the first problem (naming the others): for commands that act on the profile.</summary>
        public void ThrowIfInvalid()
        {
            if (problems.Count == 0)
            {
                return;
            }

            var first = problems[0];
            if (problems.Count == 1)
            {
                throw first;
            }

            var others = string.Join(" ", problems.Skip(1).Select(p => $"{p.ErrorId}: {p.Message}"));
            throw new RunbookException(first.ErrorId, first.Kind, $"{first.Message} Also: {others}", first.Target, first.Details, first);
        }

        /// <summary>The value in force; throws InvalidSetting when the value from its source breaks the setting's rule.</summary>
        public string? Get(RunbookSetting setting)
        {
            ArgumentNullException.ThrowIfNull(setting);
            if (!values.TryGetValue(setting.Name, out var entry))
            {
                return setting.DefaultValue;
            }

            return entry.Problem != null ? throw entry.Problem : entry.Value;
        }

        public SettingSource SourceOf(RunbookSetting setting) => OriginOf(setting).Source;

        /// <summary>Where the value came from, precisely: which parameter, variable or file.</summary>
        public SettingOrigin OriginOf(RunbookSetting setting)
            => values.TryGetValue((setting ?? throw new ArgumentNullException(nameof(setting))).Name, out var entry) ? entry.Origin : SettingOrigin.Unset;

        /// <summary>Why the setting's value cannot be used, if it cannot.</summary>
        public RunbookException? ProblemOf(RunbookSetting setting)
            => values.TryGetValue((setting ?? throw new ArgumentNullException(nameof(setting))).Name, out var entry) ? entry.Problem : null;

        /// <summary>The value as its source gave it, even when it breaks the rule: for showing the profile. Never a key.</summary>
        /// <summary>
        /// A key (ProjectApiKey, PersonalApiKey) as a SecureString, or null; <see cref="Get"/> never returns a key. The
        /// caller turns it into text only for the request that sends it.
        /// </summary>
        public System.Security.SecureString? GetSecret(RunbookSetting setting)
            => values.TryGetValue((setting ?? throw new ArgumentNullException(nameof(setting))).Name, out var entry) ? entry.Secret : null;

        public string? RawValueOf(RunbookSetting setting)
        {
            ArgumentNullException.ThrowIfNull(setting);
            return setting.IsSecret ? null : values.TryGetValue(setting.Name, out var entry) ? entry.Value ?? entry.Raw : setting.DefaultValue;
        }

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

            // Resolve checked it against the setting's rule (SettingValidation): a ratio from 0 to 1.
            return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        public Uri? GetUri(RunbookSetting setting)
        {
            var text = Get(setting);
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            return TryParseHttpUri(text, out var uri)
                ? uri
                : throw SettingValidation.Invalid(setting, text, OriginOf(setting), "must be an http(s) URL");
        }

        /// <summary>
        /// -Region, unless the PostHog host comes from a source that outranks it and names a region: an explicit
        /// -PostHogHost https://eu.i.posthog.com means EU even when the session or the environment says US.
        /// Else the host says (us.*, eu.*); else All.
        /// </summary>
        public PostHogRegion GetRegion()
        {
            var region = Get(RunbookSetting.Region);
            var host = Get(RunbookSetting.PostHogHost);
            var hostRegion = RegionOfHost(host);
            if (string.IsNullOrWhiteSpace(region))
            {
                return hostRegion;
            }

            if (hostRegion != PostHogRegion.All && SourceOf(RunbookSetting.PostHogHost) < SourceOf(RunbookSetting.Region))
            {
                return hostRegion;
            }

            // Resolve checked it against the setting's rule: US, EU or All.
            return Enum.Parse<PostHogRegion>(region, ignoreCase: true);
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

        static ResolvedSetting ResolveOne(RunbookSetting setting, IReadOnlyDictionary<string, string?> parameters, IReadOnlyDictionary<string, string>? session, ConfigFile? file, RunbookEnvironment environment)
        {
            if (parameters.TryGetValue(setting.Name, out var given) && !string.IsNullOrEmpty(given))
            {
                return Checked(setting, given, SettingOrigin.Parameter(setting.Name), environment);
            }

            if (session != null && session.TryGetValue(setting.Name, out var fromSession) && !string.IsNullOrEmpty(fromSession))
            {
                return Checked(setting, fromSession, SettingOrigin.Session(setting.Name), environment);
            }

            if (!setting.IsSecret && file != null && file.Values.TryGetValue(setting.Name, out var fromFile))
            {
                return Checked(setting, fromFile, SettingOrigin.ConfigFile(file.Path), environment);
            }

            foreach (var name in setting.EnvironmentNames)
            {
                var value = environment.Variable(name);
                if (!string.IsNullOrEmpty(value))
                {
                    return Checked(setting, value, SettingOrigin.EnvironmentVariable(name), environment);
                }
            }

            if (setting == RunbookSetting.KubeConfig)
            {
                // As kubectl: without KUBECONFIG, ~/.kube/config when it exists.
                var home = Path.Combine(environment.HomeFolder, ".kube", "config");
                if (File.Exists(home))
                {
                    return new ResolvedSetting(home, home, SettingOrigin.Default, null);
                }

                // As kubectl and client-go in a pod: no kubeconfig at all and KUBERNETES_SERVICE_HOST set mean the pod's
                // service account. The value names the API server and the mount (Kubernetes.InClusterConfig).
                try
                {
                    var inCluster = Kubernetes.InClusterConfig.Detect(environment);
                    return inCluster == null ? new ResolvedSetting(null, null, SettingOrigin.Unset, null) : new ResolvedSetting(inCluster, inCluster, SettingOrigin.InCluster, null);
                }
                catch (RunbookException ex)
                {
                    return new ResolvedSetting(null, environment.Variable(Kubernetes.InClusterConfig.PortVariable), SettingOrigin.InCluster, ex);
                }
            }

            return setting.DefaultValue == null
                ? new ResolvedSetting(null, null, SettingOrigin.Unset, null)
                : new ResolvedSetting(setting.DefaultValue, setting.DefaultValue, SettingOrigin.Default, null);
        }

        /// <summary>A key: a SecureString parameter, then the session's, then the environment's (made a SecureString at once); never a file's.</summary>
        static ResolvedSetting ResolveSecret(RunbookSetting setting, IReadOnlyDictionary<string, string?> parameters, SecretInputs? secrets, RunbookEnvironment environment)
        {
            if (secrets?.Parameters.TryGetValue(setting.Name, out var passed) == true && passed.Length > 0)
            {
                return new ResolvedSetting(null, null, SettingOrigin.Parameter(setting.Name), null) { Secret = passed };
            }

            if (parameters.TryGetValue(setting.Name, out var given) && !string.IsNullOrEmpty(given))
            {
                return new ResolvedSetting(null, null, SettingOrigin.Parameter(setting.Name), null) { Secret = SecretInputs.Protect(given) };
            }

            if (secrets?.Session.TryGetValue(setting.Name, out var kept) == true && kept.Length > 0)
            {
                return new ResolvedSetting(null, null, SettingOrigin.Session(setting.Name), null) { Secret = kept };
            }

            foreach (var name in setting.EnvironmentNames)
            {
                var value = environment.Variable(name);
                if (!string.IsNullOrEmpty(value))
                {
                    return new ResolvedSetting(null, null, SettingOrigin.EnvironmentVariable(name), null) { Secret = SecretInputs.Protect(value) };
                }
            }

            return new ResolvedSetting(null, null, SettingOrigin.Unset, null);
        }

        static ResolvedSetting Checked(RunbookSetting setting, string raw, SettingOrigin origin, RunbookEnvironment environment)
        {
            try
            {
                return new ResolvedSetting(SettingValidation.Normalize(setting, raw, origin, environment), raw, origin, null);
            }
            catch (RunbookException ex)
            {
                return new ResolvedSetting(null, raw, origin, ex);
            }
        }

        /// <summary>One setting: its value in normal form (null when unset or invalid), as given, from where, and what is wrong with it.</summary>
        sealed record ResolvedSetting(string? Value, string? Raw, SettingOrigin Origin, RunbookException? Problem)
        {
            /// <summary>A key's value: only ever a SecureString in the profile.</summary>
            public System.Security.SecureString? Secret { get; init; }
        }

        const string ConfigVariable = "POSTHOG_RUNBOOK_CONFIG";

        static string ResolveConfigPath(string path, string origin, RunbookEnvironment environment)
        {
            try
            {
                return environment.ResolveUserPath(path);
            }
#pragma warning disable CA1031 // The shell's resolver throws its own exceptions (no such drive, not a file system path).
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                throw new RunbookException("ConfigFileNotFound", RunbookErrorKind.InvalidArgument, $"The config file '{path}' from {origin} is not a file system path: {ex.Message}", path);
            }
        }

        static string Existing(string path, string missing)
            => File.Exists(path) || Directory.Exists(path)
                ? path
                : throw new RunbookException("ConfigFileNotFound", RunbookErrorKind.ObjectNotFound, $"{missing}{(missing.Contains(path, StringComparison.Ordinal) ? string.Empty : $" (looked for {path})")}.", path);
    }
}
