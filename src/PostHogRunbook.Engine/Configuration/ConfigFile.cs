using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>
    /// A JSON config file: one object of settings. What cannot be used is said, not guessed at: an unknown key or
    /// a value of the wrong JSON type is a warning naming it (and it is ignored); a key (ProjectApiKey,
    /// PersonalApiKey) refuses the whole file.
    /// </summary>
    public sealed class ConfigFile
    {
        ConfigFile(string path, IReadOnlyDictionary<string, string> values, IReadOnlyList<string> warnings)
        {
            Path = path;
            Values = values;
            Warnings = warnings;
        }

        public string Path { get; }

        /// <summary>Setting name to its text, for the settings the file sets with a usable type.</summary>
        public IReadOnlyDictionary<string, string> Values { get; }

        public IReadOnlyList<string> Warnings { get; }

        public static ConfigFile Read(string path)
        {
            ArgumentNullException.ThrowIfNull(path);
            if (Directory.Exists(path))
            {
                throw new RunbookException("ConfigFileInvalid", RunbookErrorKind.InvalidArgument, $"The config file '{path}' is a folder: name the JSON file itself (for example {System.IO.Path.Combine(path, "config.json")}).", path);
            }

            JToken token;
            try
            {
                token = JToken.Parse(File.ReadAllText(path));
            }
            catch (JsonException ex)
            {
                throw new RunbookException("ConfigFileInvalid", RunbookErrorKind.InvalidArgument, $"The config file '{path}' is not valid JSON: {ex.Message}", path);
            }
            catch (FileNotFoundException)
            {
                throw new RunbookException("ConfigFileNotFound", RunbookErrorKind.ObjectNotFound, $"The config file '{path}' does not exist.", path);
            }
            catch (IOException ex)
            {
                throw new RunbookException("ConfigFileUnreadable", RunbookErrorKind.ResourceUnavailable, $"The config file '{path}' cannot be read: {ex.Message}", path);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new RunbookException("ConfigFileUnreadable", RunbookErrorKind.PermissionDenied, $"The config file '{path}' cannot be read: {ex.Message}", path);
            }

            if (token is not JObject document)
            {
                throw new RunbookException("ConfigFileInvalid", RunbookErrorKind.InvalidArgument, $"The config file '{path}' must hold one JSON object of settings, not {Describe(token.Type)}.", path);
            }

            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var warnings = new List<string>();
            foreach (var property in document.Properties())
            {
                var setting = RunbookSetting.Find(property.Name);
                if (setting == null)
                {
                    var nearest = Nearest(property.Name);
                    warnings.Add($"The config file '{path}' has \"{property.Name}\", which is not a setting{(nearest == null ? string.Empty : $" (did you mean {nearest}?)")}: it is ignored.");
                    continue;
                }

                if (setting.IsSecret)
                {
                    throw new RunbookException("ConfigFileHoldsSecret", RunbookErrorKind.InvalidArgument, $"The config file '{path}' holds {property.Name}: keys never belong in a config file. Remove it and pass the key as a SecureString parameter, with Set-PostHogRunbookConfig, or in the environment.", path);
                }

                var value = property.Value;
                if (value.Type == JTokenType.Null)
                {
                    continue;
                }

                var numeric = setting.Kind is SettingKind.Seconds or SettingKind.Ratio;
                var usable = value.Type == JTokenType.String || (numeric && value.Type is JTokenType.Integer or JTokenType.Float);
                if (!usable)
                {
                    warnings.Add($"The config file '{path}' sets \"{property.Name}\" to {Describe(value.Type)} ({Shorten(value.ToString(Formatting.None))}), but it must be {(numeric ? "a number" : "a string")}: it is ignored.");
                    continue;
                }

                values[setting.Name] = value.Type == JTokenType.Float
                    ? value.Value<double>().ToString("R", System.Globalization.CultureInfo.InvariantCulture)
                    : value.ToString();
            }

            return new ConfigFile(path, values, warnings);
        }

        static string Describe(JTokenType type) => type switch
        {
            JTokenType.Array => "an array",
            JTokenType.Object => "an object",
            JTokenType.Integer or JTokenType.Float => "a number",
            JTokenType.Boolean => "a boolean",
            JTokenType.String => "a string",
            _ => type.ToString().ToLowerInvariant(),
        };

        static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

        /// <summary>The setting a typo most likely meant: one it starts (Timeout for TimeoutSec), or at most two edits away.</summary>
        static string? Nearest(string name)
        {
            var started = RunbookSetting.All.FirstOrDefault(s => name.Length >= 4 && s.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase));
            if (started != null)
            {
                return started.Name;
            }

            var best = RunbookSetting.All
                .Select(s => (s.Name, Distance: EditDistance(name.ToUpperInvariant(), s.Name.ToUpperInvariant())))
                .OrderBy(c => c.Distance)
                .First();
            return best.Distance <= 2 ? best.Name : null;
        }

        static int EditDistance(string a, string b)
        {
            var previous = Enumerable.Range(0, b.Length + 1).ToArray();
            for (var i = 1; i <= a.Length; i++)
            {
                var current = new int[b.Length + 1];
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }

                previous = current;
            }

            return previous[b.Length];
        }
    }
}
