using System;
using System.IO;
using System.Linq;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>Builds the public view of a resolved profile, with the kube context it points at.</summary>
    public static class ConfigurationReport
    {
        /// <param name="resolveUserPath">Gives a path typed by the user the shell's meaning (relative to its location, ~ expanded).</param>
        public static RunbookConfiguration Build(RunbookProfile profile, Func<string, string>? resolveUserPath = null)
        {
            var kubeConfig = KubeConfigReader.Locate(profile.Get(RunbookSetting.KubeConfig));
            var context = profile.Get(RunbookSetting.Context);
            var @namespace = profile.Get(RunbookSetting.Namespace);
            string? server = null;
            if (kubeConfig != null)
            {
                var facts = KubeConfigReader.Describe(kubeConfig, context);
                context = facts.Context;
                @namespace ??= facts.Namespace ?? "default";
                server = facts.Server;
            }

            var sources = RunbookSetting.All.ToDictionary(s => s.Name, s => profile.SourceOf(s).ToString());
            return new RunbookConfiguration(
                profile.Get(RunbookSetting.PostHogHost),
                profile.GetRegion(),
                !string.IsNullOrEmpty(profile.Get(RunbookSetting.ProjectApiKey)),
                !string.IsNullOrEmpty(profile.Get(RunbookSetting.PersonalApiKey)),
                profile.Get(RunbookSetting.StatusPageUrl),
                profile.Get(RunbookSetting.HealthUrl),
                profile.Get(RunbookSetting.PrometheusUrl),
                kubeConfig,
                context,
                @namespace,
                profile.Get(RunbookSetting.Deployment),
                profile.Get(RunbookSetting.Selector),
                profile.Get(RunbookSetting.SecretName),
                profile.Get(RunbookSetting.SecretKey),
                profile.GetInt(RunbookSetting.TimeoutSec, 10),
                server,
                profile.ConfigPath,
                sources,
                JournalFolder.Resolve(profile, resolveUserPath ?? Path.GetFullPath));
        }
    }
}
