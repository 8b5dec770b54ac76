using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>
    /// One rule per kind of setting, applied to every source alike: a TimeoutSec of 0 in the environment is
    /// refused exactly as -TimeoutSec 0 is, and the message names where the value came from.
    /// </summary>
    public static class SettingValidation
    {
        public const int MinTimeoutSec = 1;
        public const int MaxTimeoutSec = 600;

        static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);
        static readonly Regex DnsLabel = new("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant, RegexTimeout);
        static readonly Regex DnsSubdomain = new(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant, RegexTimeout);
        static readonly Regex DataKey = new(@"^[-._a-zA-Z0-9]+$", RegexOptions.CultureInvariant, RegexTimeout);
        static readonly Regex Metric = new("^[a-zA-Z_:][a-zA-Z0-9_:]*$", RegexOptions.CultureInvariant, RegexTimeout);

        /// <summary>
        /// The value in its normal form (a region's canonical name, full paths, invariant numbers), or
        /// InvalidSetting naming the setting, the value and its origin. Paths from a config file are read
        /// relative to that file; paths from anywhere else as the shell means them.
        /// </summary>
        public static string Normalize(RunbookSetting setting, string value, SettingOrigin origin, RunbookEnvironment environment)
        {
            ArgumentNullException.ThrowIfNull(setting);
            ArgumentNullException.ThrowIfNull(value);
            ArgumentNullException.ThrowIfNull(origin);
            ArgumentNullException.ThrowIfNull(environment);
            if (setting.Kind == SettingKind.Secret)
            {
                return value;
            }

            var text = value.Trim();
            if (text.Length == 0)
            {
                throw Invalid(setting, value, origin, "must not be blank");
            }

            switch (setting.Kind)
            {
                case SettingKind.Url:
                    return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                        ? text
                        : throw Invalid(setting, value, origin, "must be an http(s) URL, such as http://localhost:9090");
                case SettingKind.Host:
                    return RunbookProfile.TryParseHttpUri(text, out _)
                        ? text
                        : throw Invalid(setting, value, origin, "must be an http(s) URL or a host name, such as https://us.i.posthog.com");
                case SettingKind.Region:
                    return Enum.TryParse<PostHogRegion>(text, ignoreCase: true, out var region) && Enum.IsDefined(region) && !int.TryParse(text, out _)
                        ? region.ToString()
                        : throw Invalid(setting, value, origin, "must be US, EU or All");
                case SettingKind.Seconds:
                    return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= MinTimeoutSec && seconds <= MaxTimeoutSec
                        ? seconds.ToString(CultureInfo.InvariantCulture)
                        : throw Invalid(setting, value, origin, $"must be a whole number of seconds from {MinTimeoutSec} to {MaxTimeoutSec}");
                case SettingKind.Ratio:
                    return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio >= 0 && ratio <= 1
                        ? ratio.ToString("R", CultureInfo.InvariantCulture)
                        : throw Invalid(setting, value, origin, "must be a ratio from 0 to 1, such as 0.05 for 5%");
                case SettingKind.PathList:
                    return NormalizePaths(setting, value, text, origin, environment);
                case SettingKind.KubernetesNamespace:
                    return text.Length <= 63 && DnsLabel.IsMatch(text)
                        ? text
                        : throw Invalid(setting, value, origin, "must be a Kubernetes namespace: lower-case letters, digits and '-', at most 63");
                case SettingKind.KubernetesName:
                    return text.Length <= 253 && DnsSubdomain.IsMatch(text)
                        ? text
                        : throw Invalid(setting, value, origin, "must be a Kubernetes object name: lower-case letters, digits, '-' and '.'");
                case SettingKind.SecretDataKey:
                    return text.Length <= 253 && DataKey.IsMatch(text)
                        ? text
                        : throw Invalid(setting, value, origin, "must be a key of a Secret's data: letters, digits, '-', '_' and '.'");
                case SettingKind.MetricName:
                    return Metric.IsMatch(text)
                        ? text
                        : throw Invalid(setting, value, origin, "must be a Prometheus metric name: letters, digits, '_' and ':'");
                case SettingKind.JournalStore:
                    return Enum.TryParse<JournalStore>(text, ignoreCase: true, out var store) && Enum.IsDefined(store) && !int.TryParse(text, out _)
                        ? store.ToString()
                        : throw Invalid(setting, value, origin, "must be File or Kubernetes");
                default:
                    return text;
            }
        }

        /// <summary>Splits a path list as KUBECONFIG is split (':' on Unix, ';' on Windows), without empty entries.</summary>
        public static IReadOnlyList<string> SplitPathList(string? value)
            => string.IsNullOrWhiteSpace(value)
                ? Array.Empty<string>()
                : value.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.Trim('"')).Where(p => p.Length > 0).ToList();

        public static RunbookException Invalid(RunbookSetting setting, string value, SettingOrigin origin, string rule)
        {
            ArgumentNullException.ThrowIfNull(setting);
            ArgumentNullException.ThrowIfNull(origin);
            var shown = setting.IsSecret ? "(a key, not shown)" : $"'{value}'";
            return new RunbookException(
                "InvalidSetting",
                RunbookErrorKind.InvalidArgument,
                $"The setting {setting.Name} is {shown} in {origin.Describe()}: it {rule}.",
                setting.Name,
                origin.Remedy(setting.Name));
        }

        static string NormalizePaths(RunbookSetting setting, string value, string text, SettingOrigin origin, RunbookEnvironment environment)
        {
            // Only an environment variable is a list (KUBECONFIG=a:b, as kubectl reads it); a parameter or a file
            // names one file, so a drive-qualified path (TestDrive:/x, C:\x) is never split at its colon.
            if (Kubernetes.InClusterConfig.IsInCluster(text.Trim()) && Kubernetes.InClusterConfig.Parse(text.Trim()) != null)
            {
                // The pod's service account, as the profile names it (a piped report's target carries it): not a file.
                return text.Trim();
            }

            var entries = origin.Source == SettingSource.Environment ? SplitPathList(text) : new[] { text.Trim('"') };
            var resolved = new List<string>();
            foreach (var entry in entries)
            {
                try
                {
                    resolved.Add(origin.Source == SettingSource.ConfigFile && origin.Detail != null
                        ? environment.ResolvePathInFile(entry, origin.Detail)
                        : environment.ResolveUserPath(entry));
                }
#pragma warning disable CA1031 // The shell's resolver throws its own exceptions (no such drive, not a file system path): each one is a bad setting.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    throw Invalid(setting, value, origin, $"names '{entry}', which is not a file system path ({ex.Message})");
                }
            }

            return resolved.Count > 0 ? string.Join(Path.PathSeparator, resolved.Distinct(StringComparer.Ordinal)) : throw Invalid(setting, value, origin, "must name at least one file");
        }
    }
}
