using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PostHogRunbook.Loading
{
    /// <summary>
    /// The module's own load context: the engine, KubernetesClient, YamlDotNet, Fractions and Polly.Core load here from
    /// Dependencies/, so another module's YamlDotNet in the session never meets ours. Anything not in
    /// Dependencies/ (the model, pwsh's Newtonsoft.Json, the framework) falls back to the default context.
    /// </summary>
    internal sealed class DependencyLoadContext : AssemblyLoadContext
    {
        readonly string dependencyDirectory;

        public DependencyLoadContext(string dependencyDirectory)
            : base("PostHogRunbook", isCollectible: false)
        {
            this.dependencyDirectory = dependencyDirectory;
        }

        public string DependencyDirectory => dependencyDirectory;

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = Path.Combine(dependencyDirectory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
