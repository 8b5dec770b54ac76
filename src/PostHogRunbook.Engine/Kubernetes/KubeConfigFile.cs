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

        /// <summary>The kubeconfig model of a file's text; null for a text of comments only. Throws YamlException.</summary>
        public static K8SConfiguration? Parse(string text) => Yaml.Value.Deserialize<K8SConfiguration>(text);

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
                configuration = Parse(text);
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
    }
}
