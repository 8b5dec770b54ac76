using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace PostHogRunbook.Engine.Redaction
{
    /// <summary>
    /// The one redactor: every byte the module shows, logs, journals or exports passes through it. It removes
    /// PostHog keys (phc_, phx_), bearer tokens, Authorization headers, key=value credentials, kubeconfig
    /// credentials, credentials in URLs (user:password@, ?token=, ?api_key=), and any secret value it has been
    /// told about, and counts what it removed by kind.
    /// </summary>
    public sealed partial class Redactor
    {
        public const string Mask = "[REDACTED]";

        const int RegexTimeoutMs = 2000;

        // Each rule keeps what names the secret (the header, the parameter, the key's prefix) and masks the value.
        static readonly (string Kind, Regex Pattern, Func<Match, string> Mask)[] Rules =
        {
            ("AuthorizationHeader", AuthorizationHeaderPattern(), KeepFirstGroup),
            ("BearerToken", BearerTokenPattern(), KeepFirstGroup),
            ("PostHogProjectKey", PostHogProjectKeyPattern(), _ => "phc_" + Mask),
            ("PostHogPersonalKey", PostHogPersonalKeyPattern(), _ => "phx_" + Mask),
            ("KubeconfigCredential", KubeconfigCredentialPattern(), KeepFirstGroup),
            // Credentials in URLs: http://user:pass@host (the whole user info), ?token=..., &api_key=... .
            ("UrlCredentials", UrlCredentialsPattern(), match => match.Groups[1].Value + Mask + "@"),
            ("UrlQueryCredential", UrlQueryCredentialPattern(), KeepFirstGroup),
            ("CredentialParameter", CredentialParameterPattern(), KeepFirstGroup),
        };

        // Source-generated: compiled with the engine (ReadyToRun in the package), not by Reflection.Emit and the JIT on
        // the first Redact of every process, as RegexOptions.Compiled did (~10 ms each, cold).
        [GeneratedRegex(@"(?i)(authorization\s*[:=]\s*)(?:bearer|basic|token)?\s*[^\s""',}]+", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex AuthorizationHeaderPattern();

        [GeneratedRegex(@"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex BearerTokenPattern();

        [GeneratedRegex(@"\bphc_[A-Za-z0-9_-]{6,}", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex PostHogProjectKeyPattern();

        [GeneratedRegex(@"\bphx_[A-Za-z0-9_-]{6,}", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex PostHogPersonalKeyPattern();

        [GeneratedRegex(@"(?im)^(\s*(?:token|client-key-data|client-certificate-data|password|id-token|refresh-token)\s*:\s*).+$", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex KubeconfigCredentialPattern();

        [GeneratedRegex(@"(?i)\b((?:api[_-]?key|apikey|token|secret|password|access[_-]?token)\s*[=:]\s*""?)[^\s""&,;}]{4,}", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex CredentialParameterPattern();

        [GeneratedRegex(@"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#""'<>]+@", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex UrlCredentialsPattern();

        [GeneratedRegex(@"(?i)([?&;](?:[a-z0-9_.-]*?(?:token|key|secret|password|passwd|pwd|signature|sig|auth|credentials?))=)[^&#\s""'<>]+", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex UrlQueryCredentialPattern();

        readonly ConcurrentDictionary<string, byte> knownSecrets = new(StringComparer.Ordinal);
        readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);

        /// <summary>Teach the redactor a secret value (a key read from a secret, a token): it is masked wherever it appears.</summary>
        public void AddSecret(string? value)
        {
            // Very short values would mask ordinary words; real keys and tokens are long.
            if (!string.IsNullOrEmpty(value) && value.Length >= 8)
            {
                knownSecrets.TryAdd(value, 0);
            }
        }

        /// <summary>How many of each kind were removed so far.</summary>
        public IReadOnlyDictionary<string, int> Counts => counts.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

        public int Total => counts.Values.Sum();

        public string Redact(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text ?? string.Empty;
            }

            var result = text;
            foreach (var secret in knownSecrets.Keys)
            {
                var index = result.IndexOf(secret, StringComparison.Ordinal);
                if (index < 0)
                {
                    continue;
                }

                var occurrences = 0;
                while (index >= 0)
                {
                    occurrences++;
                    index = result.IndexOf(secret, index + secret.Length, StringComparison.Ordinal);
                }

                result = result.Replace(secret, Mask, StringComparison.Ordinal);
                Count("KnownSecret", occurrences);
            }

            foreach (var (kind, pattern, mask) in Rules)
            {
                var matched = 0;
                result = pattern.Replace(result, match =>
                {
                    if (IsAlreadyMasked(match))
                    {
                        return match.Value;
                    }

                    matched++;
                    return mask(match);
                });
                Count(kind, matched);
            }

            return result;
        }

        static string KeepFirstGroup(Match match) => match.Groups[1].Value + Mask;

        /// <summary>A key's prefix and last four characters, to tell keys apart without showing one.</summary>
        public static string Hint(string? key)
        {
            if (string.IsNullOrEmpty(key))
            {
                return "(none)";
            }

            var underscore = key.IndexOf('_', StringComparison.Ordinal);
            var prefix = underscore is > 0 and < 6 ? key[..(underscore + 1)] : string.Empty;
            return key.Length <= prefix.Length + 8 ? prefix + "…" : prefix + "…" + key[^4..];
        }

        // A value that a previous rule already replaced by the mask must not be counted twice.
        static bool IsAlreadyMasked(Match match)
        {
            return match.Value.Contains(Mask, StringComparison.Ordinal);
        }

        void Count(string kind, int occurrences)
        {
            if (occurrences > 0)
            {
                counts.AddOrUpdate(kind, occurrences, (_, current) => current + occurrences);
            }
        }
    }
}
