using System;
using System.IO;
using System.Linq;

namespace PostHogRunbook.Engine.Kubernetes
{
    /// <summary>Finds and reads kubeconfig files into KubernetesClient's model (its YamlDotNet stays inside the module's load context).</summary>
    public static class KubeConfigReader
    {
        /// <summary>The kubeconfig in force: the setting (first of a KUBECONFIG list), else ~/.kube/config; null when none exists.</summary>
        public static string? Locate(string? configured)
        {
            var first = configured?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (!string.IsNullOrWhiteSpace(first))
            {
                return first;
            }

            var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
            return File.Exists(home) ? home : null;
        }

        /// <summary>Reads the file (once: see <see cref="KubeConfigFile"/>) and describes one context of it.</summary>
        public static KubeConfigFacts Describe(string path, string? context) => KubeConfigFile.Load(path).Describe(context);
    }
}
