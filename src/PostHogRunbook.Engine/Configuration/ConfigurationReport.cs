using System;
using System.IO;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>
    /// Builds the public view of a resolved profile, with the kube context it points at. It never fails: the tool
    /// that diagnoses a broken profile or kubeconfig must still show what it can, each problem as a warning.
    /// </summary>
    public static class ConfigurationReport
    {
        /// <param name="redactor">Masks what the values and warnings may carry (URL credentials).</param>
        /// <param name="resolveUserPath">Gives a path typed by the user the shell's meaning (relative to its location, ~ expanded).</param>
        public static RunbookConfiguration Build(RunbookProfile profile, Redactor redactor, Func<string, string>? resolveUserPath = null)
        {
            ArgumentNullException.ThrowIfNull(profile);
            ArgumentNullException.ThrowIfNull(redactor);
            var warnings = profile.Problems.Select(p => $"{p.ErrorId}: {p.Message}").ToList();
            warnings.AddRange(profile.Warnings);
            var sources = RunbookSetting.All.ToDictionary(s => s.Name, s => profile.SourceOf(s).ToString(), StringComparer.OrdinalIgnoreCase);

            var kubeConfig = Valid(profile, RunbookSetting.KubeConfig);
            var context = profile.RawValueOf(RunbookSetting.Context);
            var @namespace = profile.RawValueOf(RunbookSetting.Namespace);
            string? server = null;
            if (kubeConfig != null)
            {
                try
                {
                    var facts = KubeConfigReader.Describe(kubeConfig, Valid(profile, RunbookSetting.Context));
                    // In a pod without a kubeconfig, the service account says what a kubeconfig would.
                    var derived = InClusterConfig.IsInCluster(kubeConfig) ? SettingSource.InCluster : SettingSource.KubeConfig;
                    context = facts.Context;
                    if (facts.ContextIsCurrent)
                    {
                        sources[RunbookSetting.Context.Name] = derived.ToString();
                    }

                    if (string.IsNullOrEmpty(@namespace))
                    {
                        @namespace = facts.Namespace ?? "default";
                        sources[RunbookSetting.Namespace.Name] = (facts.Namespace != null ? derived : SettingSource.Default).ToString();
                    }

                    server = facts.Server;
                    sources["KubeServer"] = derived.ToString();
                    warnings.AddRange(facts.SkippedFiles.Select(f => $"KubeConfigNotFound: The kubeconfig file '{f}' in the list does not exist: it is skipped, as kubectl skips it."));
                }
                catch (RunbookException ex)
                {
                    warnings.Add($"{ex.ErrorId}: {ex.Message}");
                }
            }

            double? floor = Ratio(profile, RunbookSetting.NoiseFloor), degraded = Ratio(profile, RunbookSetting.DegradedRatio), outage = Ratio(profile, RunbookSetting.OutageRatio);
            if (floor != null && degraded != null && outage != null && !(floor <= degraded && degraded <= outage))
            {
                try
                {
                    profile.GetThresholds();
                }
                catch (RunbookException ex)
                {
                    warnings.Add($"{ex.ErrorId}: {ex.Message}");
                }
            }

            PostHogRegion? region = null;
            if (profile.ProblemOf(RunbookSetting.Region) == null && profile.ProblemOf(RunbookSetting.PostHogHost) == null)
            {
                region = profile.GetRegion();
            }

            var timeout = Valid(profile, RunbookSetting.TimeoutSec);
            return new RunbookConfiguration(
                Shown(redactor, profile.RawValueOf(RunbookSetting.PostHogHost)),
                region,
                profile.GetSecret(RunbookSetting.ProjectApiKey) != null,
                profile.GetSecret(RunbookSetting.PersonalApiKey) != null,
                Shown(redactor, profile.RawValueOf(RunbookSetting.StatusPageUrl)),
                Shown(redactor, profile.RawValueOf(RunbookSetting.HealthUrl)),
                Shown(redactor, profile.RawValueOf(RunbookSetting.PrometheusUrl)),
                profile.RawValueOf(RunbookSetting.KubeConfig),
                context,
                @namespace,
                profile.RawValueOf(RunbookSetting.Deployment),
                profile.RawValueOf(RunbookSetting.Selector),
                profile.RawValueOf(RunbookSetting.SecretName),
                profile.RawValueOf(RunbookSetting.SecretKey),
                timeout == null ? null : int.Parse(timeout, NumberStyles.Integer, CultureInfo.InvariantCulture),
                profile.RawValueOf(RunbookSetting.ErrorMetric),
                profile.RawValueOf(RunbookSetting.RequestMetric),
                floor,
                degraded,
                outage,
                Shown(redactor, server),
                profile.ConfigPath,
                sources,
                warnings.Select(redactor.Redact).ToList(),
                JournalFolder.Resolve(profile, resolveUserPath ?? Path.GetFullPath),
                Valid(profile, RunbookSetting.JournalStore) is { } store ? Enum.Parse<JournalStore>(store) : null);
        }

        /// <summary>The value when its source gave a valid one; null otherwise (the problem is among the warnings).</summary>
        static string? Valid(RunbookProfile profile, RunbookSetting setting) => profile.ProblemOf(setting) == null ? profile.Get(setting) : null;

        static double? Ratio(RunbookProfile profile, RunbookSetting setting)
        {
            var text = Valid(profile, setting);
            return text == null ? null : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        static string? Shown(Redactor redactor, string? url) => url == null ? null : redactor.Redact(url);
    }
}
