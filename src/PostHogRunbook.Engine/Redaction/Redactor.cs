using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
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
            new("AuthorizationHeader", AuthorizationHeaderPattern(), new Gate(StringComparison.OrdinalIgnoreCase, null, "authorization"), Prefix: AuthorizationHeaderPrefix(), Value: AuthorizationHeaderValue()),
            new("BearerToken", BearerTokenPattern(), new Gate(StringComparison.OrdinalIgnoreCase, null, "bearer"), Prefix: BearerTokenPrefix(), Value: BearerTokenValue()),
            new("PostHogProjectKey", PostHogProjectKeyPattern(), new Gate(StringComparison.Ordinal, null, "phc_"), Constant: "phc_" + Mask),
            new("PostHogPersonalKey", PostHogPersonalKeyPattern(), new Gate(StringComparison.Ordinal, null, "phx_"), Constant: "phx_" + Mask),
            new("KubeconfigCredential", KubeconfigCredentialPattern(), new Gate(StringComparison.OrdinalIgnoreCase, ":", "token", "client-key-data", "client-certificate-data", "password"), Prefix: KubeconfigCredentialPrefix(), Value: KubeconfigCredentialValue()),
            // Credentials in URLs: http://user:pass@host (the whole user info), ?token=..., &api_key=... .
            new("UrlCredentials", UrlCredentialsPattern(), new Gate(StringComparison.Ordinal, "@", "://"), Prefix: UrlCredentialsPrefix(), Value: UrlCredentialsValue(), Suffix: "@"),
            new("UrlQueryCredential", UrlQueryCredentialPattern(), new Gate(StringComparison.OrdinalIgnoreCase, "=", "token", "key", "secret", "pass", "pwd", "sig", "auth", "credential"), Prefix: UrlQueryCredentialPrefix(), Value: UrlQueryCredentialValue()),
            new("CredentialParameter", CredentialParameterPattern(), new Gate(StringComparison.OrdinalIgnoreCase, null, "key", "token", "secret", "password"), Prefix: CredentialParameterPrefix(), Value: CredentialParameterValue()),
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

        /// <summary>
        /// A rule masks each match of <see cref="Pattern"/>: wholly by <see cref="Constant"/>, or keeping the part that
        /// names the secret (group 1 of the pattern, found again by <see cref="Prefix"/>) then the mask and
        /// <see cref="Suffix"/>. <see cref="Prefix"/> and <see cref="Value"/> are the two halves of the pattern, each
        /// anchored: they split a match without a Match object; a split they cannot prove falls back to the pattern's
        /// own groups.
        /// </summary>
        sealed record Rule(string Kind, Regex Pattern, Gate Gate, string? Constant = null, Regex? Prefix = null, Regex? Value = null, string Suffix = "");

        // What any rule's match contains, as few words as cover every gate (auth covers authorization, key covers
        // client-key-data, pass covers password): the one check a streamed line gets before anything else.
        static readonly string[] AnyRuleWords = { "auth", "bearer", "phc_", "phx_", "token", "key", "secret", "pass", "pwd", "sig", "credential", "client-certificate-data", "@" };

        // The same words as UTF-8, for a stream's scan of many lines at once before any is decoded.
        static readonly byte[][] AnyRuleWordsUtf8 = AnyRuleWords.Select(Encoding.UTF8.GetBytes).ToArray();

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

        // The halves of the patterns above (group 1, and what follows it), anchored at the start of a match.
        [GeneratedRegex(@"\A(?i:authorization\s*[:=]\s*)", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex AuthorizationHeaderPrefix();

        [GeneratedRegex(@"\A(?i:(?:bearer|basic|token)?\s*[^\s""',}]+)", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex AuthorizationHeaderValue();

        [GeneratedRegex(@"\A(?i:bearer\s+)", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex BearerTokenPrefix();

        [GeneratedRegex(@"\A(?i:[A-Za-z0-9._~+/=-]{8,})", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex BearerTokenValue();

        [GeneratedRegex(@"\A(?im:\s*(?:token|client-key-data|client-certificate-data|password|id-token|refresh-token)\s*:\s*)", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex KubeconfigCredentialPrefix();

        [GeneratedRegex(@"\A(?im:.+$)", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex KubeconfigCredentialValue();

        [GeneratedRegex(@"\A(?i:(?:api[_-]?key|apikey|token|secret|password|access[_-]?token)\s*[=:]\s*""?)", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex CredentialParameterPrefix();

        [GeneratedRegex(@"\A(?i:[^\s""&,;}]{4,})", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex CredentialParameterValue();

        [GeneratedRegex(@"\A(?i:[a-z][a-z0-9+.-]*://)", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex UrlCredentialsPrefix();

        [GeneratedRegex(@"\A(?i:[^/\s@?#""'<>]+@)", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex UrlCredentialsValue();

        [GeneratedRegex(@"\A(?i:[?&;](?:[a-z0-9_.-]*?(?:token|key|secret|password|passwd|pwd|signature|sig|auth|credentials?))=)", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex UrlQueryCredentialPrefix();

        [GeneratedRegex(@"\A(?i:[^&#\s""'<>]+)", RegexOptions.None, RegexTimeoutMs)]
        private static partial Regex UrlQueryCredentialValue();

        readonly ConcurrentDictionary<string, byte> knownSecrets = new(StringComparer.Ordinal);

        // The secrets as an array, replaced when one is added: ConcurrentDictionary.Keys takes every lock and copies,
        // too slow for a check on every line of a log.
        volatile string[] secretList = Array.Empty<string>();
        volatile byte[][] secretUtf8 = Array.Empty<byte[]>();
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
                        secretUtf8 = secretList.Select(Encoding.UTF8.GetBytes).ToArray();
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

            using var work = new RedactionWork();
            return RedactCore(text, work, tally, out var redacted) ? new string(redacted) : text;
        }

        /// <summary>
        /// The redaction itself, over spans and the buffers of <paramref name="work"/>: true with the text redacted,
        /// false when nothing in it needed masking. A line passes the rules without a string or a Match being made
        /// (a streamed log redacts hundreds of thousands of lines; each allocation would grow the heap's youngest
        /// generation to its full budget), except where a rule's match cannot be split without its groups.
        /// Each step reads the previous step's result: known secrets first, then each rule, then the user's patterns.
        /// </summary>
        internal bool RedactCore(ReadOnlySpan<char> text, RedactionWork work, RedactionTally? tally, out ReadOnlySpan<char> redacted)
        {
            var current = text;
            var changed = false;
            foreach (var secret in secretList)
            {
                var index = current.IndexOf(secret, StringComparison.Ordinal);
                if (index < 0)
                {
                    continue;
                }

                work.Begin(current.Length + Mask.Length * 4);
                var occurrences = 0;
                var rest = current;
                while (index >= 0)
                {
                    occurrences++;
                    work.Append(rest[..index]);
                    work.Append(Mask);
                    rest = rest[(index + secret.Length)..];
                    index = rest.IndexOf(secret, StringComparison.Ordinal);
                }

                work.Append(rest);
                current = work.End();
                changed = true;
                Count("KnownSecret", occurrences, tally);
            }

            foreach (var rule in Rules)
            {
                if (rule.Gate.Admits(current) && ApplyRule(rule, ref current, work, tally))
                {
                    changed = true;
                }
            }

            foreach (var pattern in userRules)
            {
                var matched = 0;
                var copied = 0;
                foreach (var match in pattern.EnumerateMatches(current))
                {
                    if (match.Length == 0 || current.Slice(match.Index, match.Length).Contains(Mask, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (matched++ == 0)
                    {
                        work.Begin(current.Length + Mask.Length * 4);
                    }

                    work.Append(current[copied..match.Index]);
                    work.Append(Mask);
                    copied = match.Index + match.Length;
                }

                if (matched > 0)
                {
                    work.Append(current[copied..]);
                    current = work.End();
                    changed = true;
                    Count("UserPattern", matched, tally);
                }
            }

            redacted = current;
            return changed;
        }

        /// <summary>One rule over the text: each match masked (a match that holds a mask already is left as it is).</summary>
        bool ApplyRule(Rule rule, ref ReadOnlySpan<char> current, RedactionWork work, RedactionTally? tally)
        {
            var matched = 0;
            var copied = 0;
            foreach (var match in rule.Pattern.EnumerateMatches(current))
            {
                var value = current.Slice(match.Index, match.Length);
                if (value.Contains(Mask, StringComparison.Ordinal))
                {
                    continue;
                }

                var kept = 0;
                if (rule.Constant == null && !TrySplit(rule, value, out kept))
                {
                    // A match its halves do not reproduce: the rule runs once more with its groups, on a string.
                    if (matched > 0)
                    {
                        work.Abandon();
                    }

                    return ApplyRuleWithGroups(rule, ref current, work, tally);
                }

                if (matched++ == 0)
                {
                    work.Begin(current.Length + Mask.Length * 4);
                }

                work.Append(current[copied..match.Index]);
                if (rule.Constant != null)
                {
                    work.Append(rule.Constant);
                }
                else
                {
                    work.Append(value[..kept]);
                    work.Append(Mask);
                    work.Append(rule.Suffix);
                }

                copied = match.Index + match.Length;
            }

            if (matched == 0)
            {
                return false;
            }

            work.Append(current[copied..]);
            current = work.End();
            Count(rule.Kind, matched, tally);
            return true;
        }

        /// <summary>
        /// Where group 1 of a match ends, from the rule's halves: the prefix as its pattern first matches it, and the
        /// value after it exactly to the match's end. Both halves parsing the match that way is the parse the whole
        /// pattern chose (its first choice for group 1 that lets the rest match), so group 1 is that prefix.
        /// </summary>
        static bool TrySplit(Rule rule, ReadOnlySpan<char> match, out int kept)
        {
            kept = 0;
            foreach (var prefix in rule.Prefix!.EnumerateMatches(match))
            {
                foreach (var value in rule.Value!.EnumerateMatches(match[prefix.Length..]))
                {
                    if (prefix.Length + value.Length != match.Length)
                    {
                        return false;
                    }

                    kept = prefix.Length;
                    return true;
                }

                return false;
            }

            return false;
        }

        /// <summary>The rule with its pattern's groups, as Regex.Replace gives them: the rare match the halves cannot split.</summary>
        bool ApplyRuleWithGroups(Rule rule, ref ReadOnlySpan<char> current, RedactionWork work, RedactionTally? tally)
        {
            var matched = 0;
            var result = rule.Pattern.Replace(current.ToString(), match =>
            {
                if (match.Value.Contains(Mask, StringComparison.Ordinal))
                {
                    return match.Value;
                }

                matched++;
                return rule.Constant ?? match.Groups[1].Value + Mask + rule.Suffix;
            });
            if (matched == 0)
            {
                return false;
            }

            work.Begin(result.Length);
            work.Append(result);
            current = work.End();
            Count(rule.Kind, matched, tally);
            return true;
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

        /// <summary>Whether the user added patterns: then every line is a candidate, since a pattern may match anything.</summary>
        internal bool HasUserPatterns => userRules.Length > 0;

        /// <summary>
        /// The byte offsets in <paramref name="lines"/> (UTF-8, whole lines) at which a line becomes a candidate for
        /// <see cref="MightRedact"/>: a known secret, a word of <see cref="AnyRuleWords"/> in ASCII lower case, or a
        /// byte beyond ASCII (such a line is checked as text). At most one offset a line per reason, in no order.
        /// A line without any is one <see cref="MightRedact"/> would pass as it is, so a stream scans a whole
        /// buffer of lines in a few vectorized passes and decodes only the candidates.
        /// </summary>
        /// <param name="lines">Whole lines, each ending with a line feed.</param>
        /// <param name="lowered">Room for <paramref name="lines"/> (at least as long); its bytes are overwritten.</param>
        /// <param name="found">Where the offsets are added.</param>
        internal void FindCandidates(ReadOnlySpan<byte> lines, Span<byte> lowered, List<int> found)
        {
            var from = 0;
            while (from < lines.Length)
            {
                var beyond = lines[from..].IndexOfAnyInRange((byte)0x80, (byte)0xFF);
                var end = beyond < 0 ? lines.Length : from + beyond;
                System.Text.Ascii.ToLower(lines[from..end], lowered[from..end], out _);
                if (beyond < 0)
                {
                    break;
                }

                // The rest of this line is left unfolded: it is a candidate already, whatever the words find in it.
                // Its line feed stays, for the searches below end their lines at the feeds of the folded copy.
                found.Add(end);
                from = EndOfLine(lines, end);
                var feed = from > end && lines[from - 1] == (byte)'\n' ? 1 : 0;
                lowered[end..(from - feed)].Clear();
                lowered[(from - feed)..from].Fill((byte)'\n');
            }

            foreach (var word in AnyRuleWordsUtf8)
            {
                FindEach(lowered[..lines.Length], word, found);
            }

            foreach (var secret in secretUtf8)
            {
                FindEach(lines, secret, found);
            }
        }

        // Each line's first occurrence of the word.
        static void FindEach(ReadOnlySpan<byte> lines, ReadOnlySpan<byte> word, List<int> found)
        {
            var from = 0;
            while (from < lines.Length)
            {
                var at = lines[from..].IndexOf(word);
                if (at < 0)
                {
                    return;
                }

                found.Add(from + at);
                from = EndOfLine(lines, from + at);
            }
        }

        // The offset just past the line feed that ends the line holding `at` (or the end).
        static int EndOfLine(ReadOnlySpan<byte> lines, int at)
        {
            var feed = lines[at..].IndexOf((byte)'\n');
            return feed < 0 ? lines.Length : at + feed + 1;
        }

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

        void Count(string kind, int occurrences, RedactionTally? tally)
        {
            if (occurrences > 0)
            {
                counts.AddOrUpdate(kind, static (_, n) => n, static (_, current, n) => current + n, occurrences);
                tally?.Add(kind, occurrences);
            }
        }
    }
}
