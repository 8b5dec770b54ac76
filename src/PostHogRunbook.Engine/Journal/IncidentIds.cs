using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace PostHogRunbook.Engine.Journal
{
    /// <summary>
    /// Incident ids: the UTC second it opened, then six random characters (30 bits) so that two machines opening
    /// one in the same second do not collide: 20261129-075631-k3f9x2. They sort by time as text, and they are
    /// valid file names and Kubernetes object names (lowercase letters, digits, dashes).
    /// </summary>
    public static class IncidentIds
    {
        // Crockford's base32, lowercase: no i, l, o, u to misread when an SRE types an id.
        const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
        const int RandomLength = 6;

        static readonly Regex Valid = new("^[0-9a-z][0-9a-z-]{0,62}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        public static string New(DateTimeOffset at)
        {
            Span<byte> random = stackalloc byte[RandomLength];
            RandomNumberGenerator.Fill(random);
            var suffix = new char[RandomLength];
            for (var i = 0; i < RandomLength; i++)
            {
                suffix[i] = Alphabet[random[i] % Alphabet.Length];
            }

            return at.UtcDateTime.ToString("yyyyMMdd'-'HHmmss", CultureInfo.InvariantCulture) + "-" + new string(suffix);
        }

        /// <summary>The id as stored (trimmed, lowercase), or null when it cannot be one (a path, a wildcard, empty).</summary>
        public static string? Normalize(string? id)
        {
            var candidate = id?.Trim().ToLowerInvariant();
            return candidate != null && Valid.IsMatch(candidate) ? candidate : null;
        }
    }
}
