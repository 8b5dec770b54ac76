using System;
using System.IO;
using System.Linq;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Kubernetes
{
    /// <summary>Reads kubeconfig files through KubernetesClient (its YamlDotNet stays inside the module's load context).</summary>
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

        public static KubeConfigFacts Describe(string path, string? context)
        {
            if (!File.Exists(path))
            {
                throw new RunbookException("KubeConfigNotFound", RunbookErrorKind.ObjectNotFound, $"The kubeconfig '{path}' does not exist.", path);
            }

            K8SConfiguration config;
            try
            {
                config = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(path));
            }
            catch (Exception ex) when (ex is KubeConfigException or YamlDotNet.Core.YamlException or IOException or ArgumentException)
            {
                throw new RunbookException("KubeConfigInvalid", RunbookErrorKind.InvalidArgument, $"The kubeconfig '{path}' cannot be read: {ex.Message}", path);
            }

            var contexts = config.Contexts?.Select(c => c.Name).ToList() ?? new System.Collections.Generic.List<string>();
            var name = string.IsNullOrWhiteSpace(context) ? config.CurrentContext : context;
            var chosen = config.Contexts?.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
            if (chosen == null)
            {
                throw new RunbookException(
                    "KubeContextNotFound",
                    RunbookErrorKind.ObjectNotFound,
                    string.IsNullOrWhiteSpace(name)
                        ? $"The kubeconfig '{path}' names no current-context; pass -Context (one of: {string.Join(", ", contexts)})."
                        : $"The kubeconfig '{path}' has no context '{name}' (it has: {string.Join(", ", contexts)}).",
                    name);
            }

            var cluster = config.Clusters?.FirstOrDefault(c => c.Name == chosen.ContextDetails?.Cluster);
            return new KubeConfigFacts(path, chosen.Name, chosen.ContextDetails?.Namespace, cluster?.ClusterEndpoint?.Server ?? string.Empty, contexts);
        }
    }
}
