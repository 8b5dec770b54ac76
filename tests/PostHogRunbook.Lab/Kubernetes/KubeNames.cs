using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// Names the controllers would give: pod-template-hash from the template, ReplicaSet and pod names with the
    /// same alphabet Kubernetes uses for generated suffixes (no vowels, no look-alike digits). Deterministic, so a
    /// scenario always starts with the same pod names.
    /// </summary>
    internal static class KubeNames
    {
        const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

        public static string TemplateHash(JsonNode? template)
        {
            var hash = Fnv1a(template?.ToJsonString() ?? "");
            return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
        }

        public static string Suffix(string seed, int length)
        {
            var builder = new StringBuilder(length);
            var state = Fnv1a(seed);
            for (var i = 0; i < length; i++)
            {
                state = (state ^ (uint)i) * 16777619u;
                builder.Append(SafeAlphabet[(int)(state % (uint)SafeAlphabet.Length)]);
                state ^= state >> 13;
            }

            return builder.ToString();
        }

        /// <summary>A stable 64-bit hash of text (string.GetHashCode is randomised per process).</summary>
        public static ulong StableHash64(string text)
        {
            var hash = 14695981039346656037UL;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return hash;
        }

        public static string Hex(string seed, int length)
        {
            var builder = new StringBuilder(length);
            var state = StableHash64(seed);
            while (builder.Length < length)
            {
                state = (state ^ (state >> 29)) * 0xBF58476D1CE4E5B9UL;
                builder.Append(state.ToString("x16", CultureInfo.InvariantCulture));
            }

            return builder.ToString(0, length);
        }

        static uint Fnv1a(string text)
        {
            var hash = 2166136261u;
            foreach (var b in Encoding.UTF8.GetBytes(text))
            {
                hash = (hash ^ b) * 16777619u;
            }

            return hash;
        }

        static string SafeEncode(string text)
        {
            var builder = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                builder.Append(SafeAlphabet[c % SafeAlphabet.Length]);
            }

            return builder.ToString();
        }
    }
}
