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
        // Its gate is what any match must contain: a line without it skips the regular expression (most log lines
        // pass every gate's check in a few vectorized scans and are never copied).
        static readonly Rule[] Rules =
        {
            new("AuthorizationHeader", AuthorizationHeaderPattern(), KeepFirstGroup, new Gate(StringComparison.OrdinalIgnoreCase, null, "authorization")),
            new("BearerToken", BearerTokenPattern(), KeepFirstGroup, new Gate(StringComparison.OrdinalIgnoreCase, null, "bearer")),
            new("PostHogProjectKey", PostHogProjectKeyPattern(), _ => "phc_" + Mask, new Gate(StringComparison.Ordinal, null, "phc_")),
            new("PostHogPersonalKey", PostHogPersonalKeyPattern(), _ => "phx_" + Mask, new Gate(StringComparison.Ordinal, null, "phx_")),
            new("KubeconfigCredential", KubeconfigCredentialPattern(), KeepFirstGroup, new Gate(StringComparison.OrdinalIgnoreCase, ":", "token", "client-key-data", "client-certificate-data", "password")),
            // Credentials in URLs: http://user:pass@host (the whole user info), ?token=..., &api_key=... .
            new("UrlCredentials", UrlCredentialsPattern(), match => match.Groups[1].Value + Mask + "@", new Gate(StringComparison.Ordinal, "@", "://")),
            new("UrlQueryCredential", UrlQueryCredentialPattern(), KeepFirstGroup, new Gate(StringComparison.OrdinalIgnoreCase, "=", "token", "key", "secret", "pass", "pwd", "sig", "auth", "credential")),
            new("CredentialParameter", CredentialParameterPattern(), KeepFirstGroup, new Gate(StringComparison.OrdinalIgnoreCase, null, "key", "token", "secret", "password")),
        };

        /// <summary>What a match of a rule must contain: one of <see cref="AnyOf"/>, and <see cref="AlsoNeeds"/> when set.</summary>
        sealed record Gate(StringComparison Comparison, string? AlsoNeeds, params string[] AnyOf)
        {
            public bool Admits(ReadOnlySpan<char> text)
            {
                if (AlsoNeeds != null && !text.Contains(AlsoNeeds, StringComparison.Ordinal))
                {
                    return false;
                }

                foreach (var word in AnyOf)
                {
                    if (text.Contains(word, Comparison))
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        sealed record Rule(string Kind, Regex Pattern, Func<Match, string> Mask, Gate Gate);

        // What any rule's match contains, as few words as cover every gate (auth covers authorization, key covers
        // client-key-data, pass covers password): the one check a streamed line gets before anything else.
        static readonly string[] AnyRuleWords = { "auth", "bearer", "phc_", "phx_", "token", "key", "secret", "pass", "pwd", "sig", "credential", "client-certificate-data", "@" };

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

        // The secrets as an array, replaced when one is added: ConcurrentDictionary.Keys takes every lock and copies,
        // too slow for a check on every line of a log.
        volatile string[] secretList = Array.Empty<string>();
        readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);
        readonly object userRulesGate = new();
        Regex[] userRules = Array.Empty<Regex>();

        /// <summary>Teach the redactor a secret value (a key read from a secret, a token): it is masked wherever it appears.</summary>
        public void AddSecret(string? value)
        {
            // Very short values would mask ordinary words; real keys and tokens are long.
            if (!string.IsNullOrEmpty(value) && value.Length >= 8)
            {
                if (knownSecrets.TryAdd(value, 0))
                {
                    lock (userRulesGate)
                    {
                        secretList = knownSecrets.Keys.ToArray();
                    }
                }
            }
        }

        /// <summary>
        /// Teach the redactor a pattern of the user's (the RedactPatterns setting): every match is masked whole and
        /// counted as UserPattern. Throws ArgumentException for a pattern that is not a regular expression.
        /// </summary>
        public void AddPattern(string pattern)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
            var compiled = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(RegexTimeoutMs));
            lock (userRulesGate)
            {
                userRules = userRules.Append(compiled).ToArray();
            }
        }

        /// <summary>
        /// A stream that redacts what is written to it line by line into <paramref name="destination"/>: for logs of
        /// any size, with memory bounded by one line (a longer line is cut at a space, see <see cref="RedactingStream"/>).
        /// </summary>
        public RedactingStream OpenWriter(System.IO.Stream destination, RedactionTally? tally = null) => new(this, destination, tally);

        /// <summary>How many of each kind were removed so far.</summary>
        public IReadOnlyDictionary<string, int> Counts => counts.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

        public int Total => counts.Values.Sum();

        public string Redact(string? text) => Redact(text, null);

        /// <summary>Redacts, counting the hits in this redactor and in <paramref name="tally"/>.</summary>
        public string Redact(string? text, RedactionTally? tally)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text ?? string.Empty;
            }

            var result = text;
            foreach (var secret in secretList)
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
                Count("KnownSecret", occurrences, tally);
            }

            foreach (var (kind, pattern, mask, gate) in Rules)
            {
                if (!gate.Admits(result))
                {
                    continue;
                }

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
                Count(kind, matched, tally);
            }

            foreach (var pattern in userRules)
            {
                var matched = 0;
                result = pattern.Replace(result, match =>
                {
                    if (match.Length == 0 || IsAlreadyMasked(match))
                    {
                        return match.Value;
                    }

                    matched++;
                    return Mask;
                });
                Count("UserPattern", matched, tally);
            }

            return result;
        }

        /// <summary>
        /// Whether <see cref="Redact(string?, RedactionTally?)"/> could change the text: false when no known secret,
        /// no rule's gate and no user pattern applies, so a stream can pass the bytes on without making a string.
        /// </summary>
        /// <param name="text">The text as it is.</param>
        /// <param name="lowered">Room for the text in ASCII lower case (at least as long as it): the gates scan that.</param>
        internal bool MightRedact(ReadOnlySpan<char> text, Span<char> lowered)
        {
            if (userRules.Length > 0)
            {
                return true;
            }

            foreach (var secret in secretList)
            {
                if (text.Contains(secret, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            // Text that is not all ASCII is checked case-insensitively as it is (slower, and rare in logs).
            var ascii = System.Text.Ascii.ToLower(text, lowered, out var written) == System.Buffers.OperationStatus.Done;
            if (!ascii)
            {
                foreach (var rule in Rules)
                {
                    if (rule.Gate.Admits(text))
                    {
                        return true;
                    }
                }

                return false;
            }

            var folded = lowered[..written];
            foreach (var word in AnyRuleWords)
            {
                if (folded.Contains(word, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
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

        void Count(string kind, int occurrences, RedactionTally? tally)
        {
            if (occurrences > 0)
            {
                counts.AddOrUpdate(kind, occurrences, (_, current) => current + occurrences);
                tally?.Add(kind, occurrences);
            }
        }
    }
}
