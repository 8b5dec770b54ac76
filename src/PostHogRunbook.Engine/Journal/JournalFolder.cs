using System;
using System.IO;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Journal
{
    /// <summary>Where the file journal lives: -JournalPath, the JournalPath setting (POSTHOG_RUNBOOK_JOURNAL), else the user's data folder.</summary>
    public static class JournalFolder
    {
        /// <summary>PostHogRunbook/incidents in the user's local data folder ($XDG_DATA_HOME or ~/.local/share on Linux, %LOCALAPPDATA% on Windows).</summary>
        public static string Default()
        {
            var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrWhiteSpace(data))
            {
                throw new RunbookException("JournalPathUnknown", RunbookErrorKind.InvalidArgument, "There is no user data folder to keep the incident journal in (no HOME?): pass -JournalPath or set POSTHOG_RUNBOOK_JOURNAL.", "JournalPath");
            }

            return Path.Combine(data, "PostHogRunbook", "incidents");
        }

        /// <summary>
        /// The journal folder in force. <paramref name="resolveUserPath"/> gives a path typed by the user the
        /// shell's meaning (relative to the current location, ~ expanded); a relative path in a config file is
        /// relative to that file.
        /// </summary>
        public static string Resolve(RunbookProfile profile, Func<string, string> resolveUserPath)
        {
            var value = profile.Get(RunbookSetting.JournalPath);
            if (string.IsNullOrWhiteSpace(value))
            {
                return Default();
            }

            if (profile.SourceOf(RunbookSetting.JournalPath) == SettingSource.ConfigFile && profile.ConfigPath != null
                && !Path.IsPathRooted(value) && !value.StartsWith('~'))
            {
                var configFolder = Path.GetDirectoryName(Path.GetFullPath(profile.ConfigPath)) ?? string.Empty;
                return Path.GetFullPath(Path.Combine(configFolder, value));
            }

            return resolveUserPath(value);
        }
    }
}
