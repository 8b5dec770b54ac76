using System.Security.Cryptography;
using System.Text;

namespace PostHogRunbook.Lab.StatusPage
{
    /// <summary>
    /// Stable identifiers in each generation's style, derived from a name: the same component or incident keeps its
    /// id across requests and scenario switches, as on a real page.
    /// </summary>
    static class StatusPageIds
    {
        const string CrockfordBase32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        const string LowerAlphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789";

        /// <summary>incident.io: a ULID (26 Crockford base-32 characters).</summary>
        public static string IncidentIo(string seed) => "01J" + Encode(seed, CrockfordBase32, 23);

        /// <summary>Atlassian Statuspage: 12 lower-case letters and digits.</summary>
        public static string Statuspage(string seed) => Encode(seed, LowerAlphanumeric, 12);

        static string Encode(string seed, string alphabet, int length)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
            var text = new StringBuilder(length);
            for (var i = 0; i < length; i++)
            {
                text.Append(alphabet[hash[i] % alphabet.Length]);
            }

            return text.ToString();
        }
    }
}
