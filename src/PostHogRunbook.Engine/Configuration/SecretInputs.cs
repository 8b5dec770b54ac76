using System;
using System.Collections.Generic;
using System.Net;
using System.Security;

namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>
    /// The keys a command was given (SecureString parameters) and the ones its runspace keeps (Set-PostHogRunbookConfig),
    /// by setting name. They stay SecureString through the profile; <see cref="Reveal"/> makes text of one only for the
    /// request that sends it.
    /// </summary>
    public sealed class SecretInputs
    {
        public SecretInputs(IReadOnlyDictionary<string, SecureString> parameters, IReadOnlyDictionary<string, SecureString> session)
        {
            Parameters = parameters;
            Session = session;
        }

        public static SecretInputs None { get; } = new(new Dictionary<string, SecureString>(), new Dictionary<string, SecureString>());

        public IReadOnlyDictionary<string, SecureString> Parameters { get; }

        public IReadOnlyDictionary<string, SecureString> Session { get; }

        /// <summary>Text from the environment (already plain there), kept from here on as a read-only SecureString.</summary>
        public static SecureString Protect(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            var secure = new SecureString();
            foreach (var c in text.Trim())
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        /// <summary>The key as text, for the one request that needs it; null for none.</summary>
        public static string? Reveal(SecureString? secure) => secure == null ? null : new NetworkCredential(string.Empty, secure).Password.Trim();
    }
}
