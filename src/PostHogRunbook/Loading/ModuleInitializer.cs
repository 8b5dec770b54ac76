using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace PostHogRunbook.Loading
{
    /// <summary>
    /// On import, teaches the default context to find the engine: only its name is answered, and it is loaded
    /// into <see cref="DependencyLoadContext"/>, which then serves the engine's own dependencies.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        const string EngineAssemblyName = "PostHogRunbook.Engine";

        static readonly object Gate = new();
        static DependencyLoadContext? loadContext;
        static bool registered;

        public void OnImport()
        {
            lock (Gate)
            {
                if (loadContext == null)
                {
                    var moduleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? AppContext.BaseDirectory;
                    loadContext = new DependencyLoadContext(Path.Combine(moduleDirectory, "Dependencies"));
                }

                // The cmdlet assembly outlives Remove-Module (the default context never unloads), so a second
                // import must not register twice.
                if (!registered)
                {
                    AssemblyLoadContext.Default.Resolving += ResolveEngine;
                    registered = true;
                }
            }
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            Infrastructure.ModuleHttp.Release();
            lock (Gate)
            {
                if (registered)
                {
                    AssemblyLoadContext.Default.Resolving -= ResolveEngine;
                    registered = false;
                }
            }
        }

        static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name)
        {
            if (!string.Equals(name.Name, EngineAssemblyName, StringComparison.Ordinal))
            {
                return null;
            }

            var isolated = loadContext;
            return isolated?.LoadFromAssemblyName(name);
        }
    }
}
