using System;
using System.Collections.Generic;
using PostHogRunbook.Engine.Kubernetes;

namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>The contexts of the kubeconfig in force, for argument completion.</summary>
    public static class KubeContexts
    {
        public static IReadOnlyList<string> List(string? kubeConfig) => List(kubeConfig, RunbookEnvironment.Process);

        /// <summary>The contexts of <paramref name="kubeConfig"/> (as typed), else of the profile's kubeconfig; none when it cannot be read.</summary>
        public static IReadOnlyList<string> List(string? kubeConfig, RunbookEnvironment environment)
        {
            var profile = RunbookProfile.Resolve(new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { [RunbookSetting.KubeConfig.Name] = kubeConfig }, null, environment);
            if (profile.ProblemOf(RunbookSetting.KubeConfig) != null)
            {
                return Array.Empty<string>();
            }

            var path = profile.Get(RunbookSetting.KubeConfig);
            return path == null ? Array.Empty<string>() : KubeConfigReader.Contexts(path);
        }
    }
}
