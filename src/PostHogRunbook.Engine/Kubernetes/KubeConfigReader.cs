using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Kubernetes
{
    /// <summary>
    /// Reads kubeconfigs as kubectl does, through KubernetesClient's parser (its YamlDotNet stays inside the
    /// module's load context): a KUBECONFIG list is merged, first one wins, missing files skipped; every failure
    /// is KubeConfigNotFound, KubeConfigInvalid or KubeContextNotFound with a plain message, never a .NET crash.
    /// </summary>
    public static class KubeConfigReader
    {
        /// <summary>The kubeconfig in force: the setting (one file or a KUBECONFIG list), else ~/.kube/config; null when none exists.</summary>
        public static string? Locate(string? configured)
        {
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured;
            }

            var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
            return File.Exists(home) ? home : null;
        }

        /// <summary>The files of a kubeconfig setting, in order.</summary>
        public static IReadOnlyList<string> Files(string? kubeConfig) => SettingValidation.SplitPathList(kubeConfig);

        /// <summary>What a kubeconfig says of a context, or the pod's service account for the in-cluster value (<see cref="InClusterConfig"/>).</summary>
        public static KubeConfigFacts Describe(string path, string? context)
            => InClusterConfig.Parse(path) is { } inCluster ? InClusterConfig.Describe(path, inCluster, context) : Open(path, context).Facts;

        /// <summary>The contexts a kubeconfig defines, for completion and messages (in-cluster: the one, in-cluster).</summary>
        public static IReadOnlyList<string> Contexts(string path)
            => InClusterConfig.IsInCluster(path) ? new[] { InClusterConfig.ContextName } : Load(path).Config.Contexts.Select(c => c.Name).ToList();

        /// <summary>
        /// The chosen context of the merged kubeconfig, checked as kubectl would before connecting, and a
        /// configuration holding only that context, its cluster and its user (with file paths made absolute).
        /// </summary>
        internal static (KubeConfigFacts Facts, K8SConfiguration Config) Open(string path, string? context)
        {
            var (config, files, skipped) = Load(path);
            var contexts = config.Contexts.Select(c => c.Name).ToList();
            if (contexts.Count == 0)
            {
                throw new RunbookException("KubeConfigInvalid", RunbookErrorKind.InvalidArgument, $"The kubeconfig {Name(files)} defines no contexts: it cannot say which cluster to reach.", path);
            }

            var name = string.IsNullOrWhiteSpace(context) ? config.CurrentContext : context;
            var chosen = config.Contexts.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
            if (chosen == null)
            {
                throw new RunbookException(
                    "KubeContextNotFound",
                    RunbookErrorKind.ObjectNotFound,
                    string.IsNullOrWhiteSpace(name)
                        ? $"The kubeconfig {Name(files)} names no current-context; pass -Context (one of: {string.Join(", ", contexts)})."
                        : $"The kubeconfig {Name(files)} has no context '{name}' (it has: {string.Join(", ", contexts)}).",
                    name ?? path);
            }

            var clusterName = chosen.ContextDetails?.Cluster;
            if (string.IsNullOrWhiteSpace(clusterName))
            {
                throw Incomplete(path, files, $"its context '{chosen.Name}' names no cluster");
            }

            var cluster = config.Clusters.FirstOrDefault(c => string.Equals(c.Name, clusterName, StringComparison.Ordinal));
            if (cluster?.ClusterEndpoint == null)
            {
                throw Incomplete(path, files, $"its context '{chosen.Name}' names cluster '{clusterName}', which it does not define (clusters: {List(config.Clusters.Select(c => c.Name))})");
            }

            if (string.IsNullOrWhiteSpace(cluster.ClusterEndpoint.Server))
            {
                throw Incomplete(path, files, $"its cluster '{clusterName}' (of context '{chosen.Name}') has no server");
            }

            var userName = chosen.ContextDetails!.User;
            User? user = null;
            if (!string.IsNullOrWhiteSpace(userName))
            {
                user = config.Users.FirstOrDefault(u => string.Equals(u.Name, userName, StringComparison.Ordinal));
                if (user?.UserCredentials == null)
                {
                    throw Incomplete(path, files, $"its context '{chosen.Name}' names user '{userName}', which it does not define (users: {List(config.Users.Select(u => u.Name))})");
                }
            }

            var single = new K8SConfiguration
            {
                ApiVersion = config.ApiVersion,
                Kind = config.Kind,
                CurrentContext = chosen.Name,
                Contexts = new[] { chosen },
                Clusters = new[] { cluster },
                Users = user == null ? Array.Empty<User>() : new[] { user },
                Preferences = config.Preferences,
            };
            var facts = new KubeConfigFacts(path, chosen.Name, chosen.ContextDetails.Namespace, cluster.ClusterEndpoint.Server, contexts, files, skipped, string.IsNullOrWhiteSpace(context));
            return (facts, single);
        }

        /// <summary>Every file of the list read and merged in order (the first to define a name wins, as kubectl merges).</summary>
        static (K8SConfiguration Config, IReadOnlyList<string> Files, IReadOnlyList<string> Skipped) Load(string path)
        {
            var entries = Files(path);
            if (entries.Count == 0)
            {
                throw new RunbookException("KubeConfigNotFound", RunbookErrorKind.ObjectNotFound, "No kubeconfig: pass -KubeConfig or set KUBECONFIG.", "KubeConfig");
            }

            var read = new List<(string File, K8SConfiguration Config)>();
            var skipped = new List<string>();
            foreach (var file in entries)
            {
                if (Directory.Exists(file))
                {
                    throw new RunbookException("KubeConfigInvalid", RunbookErrorKind.InvalidArgument, $"The kubeconfig '{file}' is a folder, not a kubeconfig file: name the file itself (for example {Path.Combine(file, "config")}).", file);
                }

                if (!File.Exists(file))
                {
                    // kubectl skips the missing files of a KUBECONFIG list; a single file must exist.
                    if (entries.Count == 1)
                    {
                        throw new RunbookException("KubeConfigNotFound", RunbookErrorKind.ObjectNotFound, $"The kubeconfig '{file}' does not exist.", file);
                    }

                    skipped.Add(file);
                    continue;
                }

                read.Add((file, ReadOne(file)));
            }

            if (read.Count == 0)
            {
                throw new RunbookException("KubeConfigNotFound", RunbookErrorKind.ObjectNotFound, $"None of the kubeconfig files exists: {string.Join(", ", entries)}.", path);
            }

            return (Merge(read.Select(r => r.Config)), read.Select(r => r.File).ToList(), skipped);
        }

        static K8SConfiguration ReadOne(string file)
        {
            K8SConfiguration? config;
            try
            {
                if (new FileInfo(file).Length == 0 || string.IsNullOrWhiteSpace(File.ReadAllText(file)))
                {
                    throw new RunbookException("KubeConfigInvalid", RunbookErrorKind.InvalidArgument, $"The kubeconfig '{file}' is empty.", file);
                }

                // A plain YamlDotNet read of the kubeconfig model (KubeConfigFile.Parse), not KubernetesClient's loader: that one
                // is sync over async and, on first use, scans every type of its assembly (0.4-0.5 s of a cold start).
                config = KubeConfigFile.Parse(File.ReadAllText(file));
            }
            catch (Exception ex) when (ex is KubeConfigException or YamlDotNet.Core.YamlException or IOException or ArgumentException or FormatException or InvalidCastException or UnauthorizedAccessException)
            {
                throw new RunbookException("KubeConfigInvalid", RunbookErrorKind.InvalidArgument, $"The kubeconfig '{file}' cannot be read: {ex.Message}", file);
            }

            if (config == null)
            {
                throw new RunbookException("KubeConfigInvalid", RunbookErrorKind.InvalidArgument, $"The kubeconfig '{file}' holds no kubeconfig (only comments?).", file);
            }

            // Paths inside a kubeconfig are relative to the file that holds them, also once merged with others.
            var folder = Path.GetDirectoryName(Path.GetFullPath(file)) ?? string.Empty;
            foreach (var cluster in config.Clusters ?? Enumerable.Empty<Cluster>())
            {
                if (cluster.ClusterEndpoint != null)
                {
                    cluster.ClusterEndpoint.CertificateAuthority = Absolute(folder, cluster.ClusterEndpoint.CertificateAuthority);
                }
            }

            foreach (var user in config.Users ?? Enumerable.Empty<User>())
            {
                if (user.UserCredentials != null)
                {
                    user.UserCredentials.ClientCertificate = Absolute(folder, user.UserCredentials.ClientCertificate);
                    user.UserCredentials.ClientKey = Absolute(folder, user.UserCredentials.ClientKey);
                }
            }

            return config;
        }

        static K8SConfiguration Merge(IEnumerable<K8SConfiguration> configs)
        {
            var contexts = new List<Context>();
            var clusters = new List<Cluster>();
            var users = new List<User>();
            K8SConfiguration? first = null;
            string? current = null;
            foreach (var config in configs)
            {
                first ??= config;
                current ??= string.IsNullOrWhiteSpace(config.CurrentContext) ? null : config.CurrentContext;
                AddNew(contexts, config.Contexts, c => c.Name);
                AddNew(clusters, config.Clusters, c => c.Name);
                AddNew(users, config.Users, u => u.Name);
            }

            return new K8SConfiguration
            {
                ApiVersion = first?.ApiVersion,
                Kind = first?.Kind,
                Preferences = first?.Preferences,
                CurrentContext = current,
                Contexts = contexts,
                Clusters = clusters,
                Users = users,
            };
        }

        static void AddNew<T>(List<T> merged, IEnumerable<T>? items, Func<T, string?> name)
        {
            foreach (var item in items ?? Enumerable.Empty<T>())
            {
                if (item != null && !string.IsNullOrEmpty(name(item)) && !merged.Any(m => string.Equals(name(m), name(item), StringComparison.Ordinal)))
                {
                    merged.Add(item);
                }
            }
        }

        static string? Absolute(string folder, string? path)
            => string.IsNullOrWhiteSpace(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(folder, path));

        static RunbookException Incomplete(string path, IReadOnlyList<string> files, string what)
            => new("KubeConfigInvalid", RunbookErrorKind.InvalidArgument, $"The kubeconfig {Name(files)} is incomplete: {what}.", path);

        static string Name(IReadOnlyList<string> files) => files.Count == 1 ? $"'{files[0]}'" : $"({string.Join(", ", files.Select(f => $"'{f}'"))})";

        static string List(IEnumerable<string> names)
        {
            var list = names.ToList();
            return list.Count == 0 ? "none" : string.Join(", ", list);
        }
    }
}
