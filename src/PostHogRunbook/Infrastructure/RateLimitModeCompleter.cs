using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>Completes -Mode with the integration's rate-limit modes; another value is still accepted.</summary>
    public sealed class RateLimitModeCompleter : IArgumentCompleter
    {
        static readonly (string Mode, string Meaning)[] Modes =
        {
            ("queue", "hold requests and retry with backoff (the runbook's answer to sustained 429s)"),
            ("drop", "drop what PostHog refuses"),
            ("direct", "send directly (normal operation)"),
        };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
            => Modes.Where(m => m.Mode.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                .Select(m => new CompletionResult(m.Mode, m.Mode, CompletionResultType.ParameterValue, m.Meaning))
                .ToList();
    }
}
