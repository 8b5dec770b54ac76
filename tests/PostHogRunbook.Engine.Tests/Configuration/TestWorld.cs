using PostHogRunbook.Engine.Configuration;

namespace PostHogRunbook.Engine.Tests.Configuration
{
    /// <summary>
    /// A world of its own for one test: a temporary folder with a home, a user config folder and a "current
    /// directory", environment variables in a dictionary, and paths resolved relative to that directory (as a
    /// shell at that $PWD would). Nothing touches the process environment.
    /// </summary>
    internal sealed class TestWorld : IDisposable
    {
        public TestWorld()
        {
            Root = Path.Combine(Path.GetTempPath(), "phr-config-" + Guid.NewGuid().ToString("N")[..8]);
            Home = Directory.CreateDirectory(Path.Combine(Root, "home")).FullName;
            ConfigFolder = Directory.CreateDirectory(Path.Combine(Root, "home", ".config")).FullName;
            WorkingDirectory = Directory.CreateDirectory(Path.Combine(Root, "work")).FullName;
        }

        public string Root { get; }

        public string Home { get; }

        public string ConfigFolder { get; }

        /// <summary>The shell's $PWD: where relative paths typed by the user point.</summary>
        public string WorkingDirectory { get; }

        public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

        public List<string> ResolvedByShell { get; } = new();

        public RunbookEnvironment Environment => new RunbookEnvironment(name => Variables.TryGetValue(name, out var value) ? value : null, Home, ConfigFolder)
            .WithPathResolver(path =>
            {
                ResolvedByShell.Add(path);
                var expanded = path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Home, path[2..]) : path;
                return Path.GetFullPath(Path.Combine(WorkingDirectory, expanded));
            });

        public RunbookProfile Resolve(Dictionary<string, string?>? parameters = null, string? configPath = null)
            => RunbookProfile.Resolve(parameters ?? new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase), configPath, Environment);

        public string Write(string relativePath, string text)
        {
            var path = Path.Combine(Root, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            return path;
        }

        public static Dictionary<string, string?> Parameters(params (string Name, string? Value)[] values)
            => values.ToDictionary(v => v.Name, v => v.Value, StringComparer.OrdinalIgnoreCase);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder left behind is harmless.
            }
        }
    }
}
