using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using k8s.KubeConfigModels;
using PostHogRunbook.Model;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace PostHogRunbook.Engine.Kubernetes
{
    /// <summary>
    /// A kubeconfig read once and parsed into KubernetesClient's own model, synchronously on the calling thread.
    /// </summary>
    /// <remarks>
    /// Two things of KubernetesClient's own loader (<c>KubernetesClientConfiguration.LoadKubeConfig</c>) are avoided here,
    /// both measured on the cold path of a triage:
    /// <list type="bullet">
    /// <item>It is sync over async (<c>LoadKubeConfigAsync(...).GetAwaiter().GetResult()</c>), and the async file read
    /// behind it needs a second thread-pool thread on Unix: called on a pool thread while other pool threads wait for it,
    /// it starved the pool until the pool injected a thread (about 0.5 s, in every fresh process).</item>
    /// <item>It goes through <c>KubernetesYaml</c>, whose static initializer scans every type of the 11 MB KubernetesClient
    /// assembly for <c>KubernetesEntityAttribute</c> (about 0.4 s cold) to map apiVersion/kind for manifests; a kubeconfig
    /// needs none of that.</item>
    /// </list>
    /// The deserializer below is built like KubernetesYaml's (camelCase names, the model's YamlMember aliases, unknown keys
    /// ignored) for the kubeconfig model only, whose members are strings, lists and maps: KubernetesYaml's extra type
    /// converters (byte[], IntOrString, quantities, dates) have nothing to convert there.
    /// </remarks>
    internal sealed class KubeConfigFile
    {
        static readonly Lazy<IDeserializer> Yaml = new(
            () => new DeserializerBuilder()
                .WithNamingConvention(CamelCaseNamingConvention.Instance)
                .WithAttemptingUnquotedStringTypeDeserialization()
                .IgnoreUnmatchedProperties()
                .Build(),
            LazyThreadSafetyMode.ExecutionAndPublication);

        KubeConfigFile(string path, K8SConfiguration configuration)
        {
            Path = path;
            Configuration = configuration;
        }

        public string Path { get; }

        /// <summary>KubernetesClient's model of the file, for <c>KubernetesClientConfiguration.BuildConfigFromConfigObject</c>.</summary>
        public K8SConfiguration Configuration { get; }

        /// <summary>Reads and parses the file; KubeConfigNotFound or KubeConfigInvalid when it cannot be used.</summary>
        public static KubeConfigFile Load(string path)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new RunbookException("KubeConfigNotFound", RunbookErrorKind.ObjectNotFound, $"The kubeconfig '{path}' does not exist.", path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new RunbookException("KubeConfigInvalid", RunbookErrorKind.InvalidArgument, $"The kubeconfig '{path}' cannot be read: {ex.Message}", path);
            }

            K8SConfiguration? configuration;
            try
            {
                configuration = Yaml.Value.Deserialize<K8SConfiguration>(text);
            }
            catch (YamlDotNet.Core.YamlException ex)
            {
                throw new RunbookException("KubeConfigInvalid", RunbookErrorKind.InvalidArgument, $"The kubeconfig '{path}' cannot be read: {ex.Message}", path);
            }

            configuration ??= new K8SConfiguration();

            // As KubernetesClient's loader does: relative certificate and key paths are relative to the file.
            configuration.FileName = System.IO.Path.GetFullPath(path);
            return new KubeConfigFile(path, configuration);
        }

        /// <summary>Where a context points (the given one, else the current-context); KubeContextNotFound when it is not there.</summary>
        public KubeConfigFacts Describe(string? context)
        {
            var contexts = Configuration.Contexts?.Where(c => c != null).Select(c => c.Name).ToList() ?? new System.Collections.Generic.List<string>();
            var name = string.IsNullOrWhiteSpace(context) ? Configuration.CurrentContext : context;
            var chosen = Configuration.Contexts?.FirstOrDefault(c => c != null && string.Equals(c.Name, name, StringComparison.Ordinal));
            if (chosen == null)
            {
                throw new RunbookException(
                    "KubeContextNotFound",
                    RunbookErrorKind.ObjectNotFound,
                    string.IsNullOrWhiteSpace(name)
                        ? $"The kubeconfig '{Path}' names no current-context; pass -Context (one of: {string.Join(", ", contexts)})."
                        : $"The kubeconfig '{Path}' has no context '{name}' (it has: {string.Join(", ", contexts)}).",
                    name);
            }

            var cluster = Configuration.Clusters?.FirstOrDefault(c => c != null && c.Name == chosen.ContextDetails?.Cluster);
            return new KubeConfigFacts(Path, chosen.Name, chosen.ContextDetails?.Namespace, cluster?.ClusterEndpoint?.Server ?? string.Empty, contexts);
        }
    }

    /// <summary>
    /// The kubeconfig of one command, read at most once and only when a check needs Kubernetes, on a pool thread
    /// that waits for nothing: every context the command triages shares it.
    /// </summary>
    internal sealed class SharedKubeConfig
    {
        readonly Lazy<Task<KubeConfigFile>> file;

        public SharedKubeConfig(string? path)
        {
            Path = path;
            file = new Lazy<Task<KubeConfigFile>>(
                () => path == null
                    ? Task.FromException<KubeConfigFile>(new RunbookException("KubeConfigNotFound", RunbookErrorKind.ObjectNotFound, "No kubeconfig: pass -KubeConfig or set KUBECONFIG.", "KubeConfig"))
                    : Task.Run(() => KubeConfigFile.Load(path)),
                LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>The file in force; null when none is configured and ~/.kube/config does not exist.</summary>
        public string? Path { get; }

        public Task<KubeConfigFile> LoadAsync() => file.Value;
    }
}
