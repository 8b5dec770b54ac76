using System;
using System.IO;

namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>
    /// What the profile reads besides the parameters and the session: environment variables, the user's home and
    /// config folders, and how a path the user typed becomes a full one. Cmdlets pass PowerShell's own path
    /// resolution (relative to $PWD, ~, provider paths); tests pass a dictionary and a folder of their own, so
    /// nothing needs to change the process environment.
    /// </summary>
    public sealed class RunbookEnvironment
    {
        readonly Func<string, string?> variable;
        readonly Func<string, string>? resolveUserPath;

        public RunbookEnvironment(Func<string, string?> variable, string homeFolder, string userConfigFolder, Func<string, string>? resolveUserPath = null)
        {
            this.variable = variable ?? throw new ArgumentNullException(nameof(variable));
            HomeFolder = homeFolder;
            UserConfigFolder = userConfigFolder;
            this.resolveUserPath = resolveUserPath;
        }

        /// <summary>
        /// The process's environment and folders as they are now (read each time: XDG_CONFIG_HOME or HOME may
        /// change between commands); paths relative to the process's current directory.
        /// </summary>
        public static RunbookEnvironment Process => new(
            Environment.GetEnvironmentVariable,
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify),
            Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify));

        public string HomeFolder { get; }

        /// <summary>Where the user's config file lives: PostHogRunbook/config.json under it.</summary>
        public string UserConfigFolder { get; }

        public string? Variable(string name) => variable(name);

        /// <summary>The same environment with the shell's way of resolving the paths a user types.</summary>
        public RunbookEnvironment WithPathResolver(Func<string, string> resolver)
            => new(variable, HomeFolder, UserConfigFolder, resolver);

        /// <summary>
        /// A path the user typed (a parameter, the session, an environment variable), as the shell means it.
        /// Throws ArgumentException (or the shell's own exception) for a path that is not on the file system.
        /// </summary>
        public string ResolveUserPath(string path)
            => resolveUserPath != null ? resolveUserPath(path) : Path.GetFullPath(ExpandHome(path));

        /// <summary>A path written in a file: relative to that file's folder, ~ expanded (as kubectl reads kubeconfig paths).</summary>
        public string ResolvePathInFile(string path, string file)
        {
            var expanded = ExpandHome(path);
            return Path.IsPathRooted(expanded) ? Path.GetFullPath(expanded) : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file) ?? string.Empty, expanded));
        }

        string ExpandHome(string path)
        {
            if (path == "~")
            {
                return HomeFolder;
            }

            return path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                ? Path.Combine(HomeFolder, path[2..])
                : path;
        }
    }
}
