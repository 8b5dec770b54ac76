using System;
using System.Collections.Generic;
using System.Management.Automation;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Redaction;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>
    /// What the user typed, taken as the shell means it (paths relative to $PWD, ~, provider paths), the profile
    /// resolved and checked from it, and what the command shows passed through the redactor. Kept apart from
    /// the base's cancellation and waiting.
    /// </summary>
    public abstract partial class RunbookCmdlet
    {
        /// <summary>The redactor of what this command shows: messages, warnings, the profile.</summary>
        protected Redactor ShownRedactor => Services.Redactor;

        /// <summary>
        /// The environment for the profile: the process's variables and folders, with paths resolved as this
        /// session resolves them. Every path parameter (-ConfigPath, -KubeConfig, and those to come) goes
        /// through <see cref="ResolveUserPath"/>, never through the process's current directory.
        /// </summary>
        protected RunbookEnvironment ShellEnvironment => RunbookEnvironment.Process.WithPathResolver(ResolveUserPath);

        /// <summary>
        /// A path as the user's shell means it: relative to $PWD (not the process's directory), ~ expanded,
        /// drive-qualified (TestDrive:/x) and provider-qualified (FileSystem::/x) paths accepted. The file
        /// need not exist. Throws ArgumentException for a path of another provider (Env:, Variable:).
        /// </summary>
        protected string ResolveUserPath(string path)
        {
            var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (!string.Equals(provider?.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{path}' is a {provider?.Name ?? "non-file-system"} path, not a file system path.", nameof(path));
            }

            return resolved;
        }

        /// <summary>
        /// Verbose text, redacted. Under -Debug pwsh sets a compiled cmdlet's verbose preference to Inquire: each
        /// message would stop for a prompt, and fail a non-interactive run. There (unless -Verbose is given as
        /// well) the message goes to the debug stream, which -Debug shows without asking.
        /// </summary>
        public new void WriteVerbose(string text)
        {
            var shown = ShownRedactor.Redact(text);
            if (DebugWouldInquire("Verbose"))
            {
                base.WriteDebug(shown);
                return;
            }

            base.WriteVerbose(shown);
        }

        /// <summary>A warning, redacted; under -Debug (without -WarningAction) on the debug stream, for the reason given at WriteVerbose.</summary>
        public new void WriteWarning(string text)
        {
            var shown = ShownRedactor.Redact(text);
            if (DebugWouldInquire("WarningAction"))
            {
                if (GetVariableValue("WarningPreference") is not ActionPreference.SilentlyContinue and not ActionPreference.Ignore)
                {
                    base.WriteDebug("WARNING: " + shown);
                }

                return;
            }

            base.WriteWarning(shown);
        }

        public new void WriteDebug(string text) => base.WriteDebug(ShownRedactor.Redact(text));

        bool DebugWouldInquire(string overridingParameter)
            => MyInvocation.BoundParameters.TryGetValue("Debug", out var debug)
               && debug is SwitchParameter { IsPresent: true }
               && !MyInvocation.BoundParameters.ContainsKey(overridingParameter);
    }
}
