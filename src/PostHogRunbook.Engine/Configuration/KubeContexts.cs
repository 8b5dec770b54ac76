using System;
using System.Collections.Generic;
using PostHogRunbook.Engine.Kubernetes;

namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>The contexts of the kubeconfig in force, for argument completion.</summary>
    public static class KubeContexts
    {
        public static IReadOnlyList<string> List(string? kubeConfig)
        {
            var profile = RunbookProfile.Resolve(new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { [RunbookSetting.KubeConfig.Name] = kubeConfig }, null);
            var path = KubeConfigReader.Locate(profile.Get(RunbookSetting.KubeConfig));
            return path == null ? Array.Empty<string>() : KubeConfigReader.Describe(path, null).AllContexts;
        }
    }
}
