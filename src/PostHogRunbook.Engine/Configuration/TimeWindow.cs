using System;
using System.Globalization;
using System.Text.RegularExpressions;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>
    /// A look-back window given as a Prometheus duration ("5m", "30s", "1h30m"): the text goes into PromQL
    /// as it is, the duration cuts the logs. MetricsWindow and RecentWindow are settings of this kind.
    /// </summary>
    public sealed class TimeWindow
    {
        // Prometheus's own duration grammar: units from the largest down, each at most once.
        static readonly Regex Grammar = new(
            @"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$",
            RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));

        static readonly long[] UnitMilliseconds = { 365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1 };

        TimeWindow(string text, TimeSpan duration)
        {
            Text = text;
            Duration = duration;
        }

        /// <summary>As written: what PromQL's range selector gets.</summary>
        public string Text { get; }

        public TimeSpan Duration { get; }

        /// <summary>"the last minute" for 1m, else "the last 5s": how the checks and the decision path say it.</summary>
        public string Phrase => PhraseOf(Text);

        public static string PhraseOf(string text)
            => TryParse(text, out var window) && window.Duration == TimeSpan.FromMinutes(1) ? "the last minute" : "the last " + text;

        public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TimeWindow? window)
        {
            window = null;
            var candidate = text?.Trim() ?? string.Empty;
            var match = candidate.Length == 0 ? Match.Empty : Grammar.Match(candidate);
            if (!match.Success)
            {
                return false;
            }

            long milliseconds = 0;
            for (var unit = 0; unit < UnitMilliseconds.Length; unit++)
            {
                var group = match.Groups[unit + 1];
                if (group.Success)
                {
                    if (!long.TryParse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > long.MaxValue / UnitMilliseconds[unit])
                    {
                        return false;
                    }

                    milliseconds += count * UnitMilliseconds[unit];
                }
            }

            if (milliseconds <= 0 || milliseconds > (long)TimeSpan.MaxValue.TotalMilliseconds)
            {
                return false;
            }

            window = new TimeWindow(candidate, TimeSpan.FromMilliseconds(milliseconds));
            return true;
        }

        public override string ToString() => Text;
    }

    /// <summary>Reading a window setting from the profile: a bad value is a clear error naming where it came from.</summary>
    public static class TimeWindowSettings
    {
        public static TimeWindow GetWindow(this RunbookProfile profile, RunbookSetting setting)
        {
            var text = profile.Get(setting) ?? setting.DefaultValue;
            if (TimeWindow.TryParse(text, out var window))
            {
                return window;
            }

            throw new RunbookException(
                "InvalidSettingDuration",
                RunbookErrorKind.InvalidArgument,
                $"The setting {setting.Name} ('{text}', from {profile.SourceOf(setting)}) is not a Prometheus duration such as 30s, 5m or 1h30m.",
                setting.Name);
        }
    }
}
