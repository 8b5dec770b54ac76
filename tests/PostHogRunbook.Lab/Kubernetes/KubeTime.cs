using System.Globalization;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>The time formats the API server and the kubelet write, and the printer's human ages.</summary>
    internal static class KubeTime
    {
        /// <summary>metav1.Time: RFC 3339, whole seconds, UTC.</summary>
        public static string Format(DateTimeOffset at) =>
            at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        /// <summary>metav1.MicroTime (events' eventTime).</summary>
        public static string FormatMicro(DateTimeOffset at) =>
            at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

        /// <summary>The kubelet's timestamps=true prefix: RFC 3339 with a fixed nine-digit fraction (.NET ticks give seven).</summary>
        public static string FormatNanoFixed(DateTimeOffset at) =>
            at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);

        /// <summary>The integration's own log timestamp (milliseconds).</summary>
        public static string FormatMillis(DateTimeOffset at) =>
            at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        public static bool TryParse(string? text, out DateTimeOffset at) =>
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);

        /// <summary>The server-side printer's AGE column (apimachinery's HumanDuration rules).</summary>
        public static string HumanDuration(TimeSpan elapsed)
        {
            var seconds = (long)Math.Floor(elapsed.TotalSeconds);
            if (seconds < -1)
            {
                return "<invalid>";
            }

            if (seconds < 0)
            {
                return "0s";
            }

            if (seconds < 120)
            {
                return Invariant($"{seconds}s");
            }

            var minutes = seconds / 60;
            if (minutes < 10)
            {
                var rest = seconds % 60;
                return rest == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{rest}s");
            }

            if (minutes < 180)
            {
                return Invariant($"{minutes}m");
            }

            var hours = minutes / 60;
            if (hours < 8)
            {
                var rest = minutes % 60;
                return rest == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{rest}m");
            }

            if (hours < 48)
            {
                return Invariant($"{hours}h");
            }

            if (hours < 24 * 8)
            {
                var rest = hours % 24;
                return rest == 0 ? Invariant($"{hours / 24}d") : Invariant($"{hours / 24}d{rest}h");
            }

            if (hours < 24 * 365 * 2)
            {
                return Invariant($"{hours / 24}d");
            }

            var days = hours / 24;
            if (hours < 24 * 365 * 8)
            {
                var rest = days % 365;
                return rest == 0 ? Invariant($"{days / 365}y") : Invariant($"{days / 365}y{rest}d");
            }

            return Invariant($"{days / 365}y");
        }

        static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
