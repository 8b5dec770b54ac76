using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PostHogRunbook.Model;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>Completes -Context from the kubeconfig in force (the command's -KubeConfig, else the profile's).</summary>
    public sealed class KubeContextCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                return ContextNames(fakeBoundParameters?["KubeConfig"] as string)
                    .Where(name => name.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                    .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, name))
                    .ToList();
            }
            catch (RunbookException)
            {
                // No kubeconfig, or an unreadable one: nothing to offer, and never an error while typing.
                return Array.Empty<CompletionResult>();
            }
        }

        static IEnumerable<string> ContextNames(string? kubeConfig) => Engine.Configuration.KubeContexts.List(kubeConfig);
    }
}
