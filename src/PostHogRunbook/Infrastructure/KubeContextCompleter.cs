using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PostHogRunbook.Model;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>
    /// Completes -Context from the kubeconfig in force (the command's -KubeConfig, resolved as the session
    /// resolves paths, else the profile's), leaving out the contexts already typed (-Context prod-us,<Tab>).
    /// </summary>
    public sealed class KubeContextCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
                var typed = AlreadyTyped(commandAst, parameterName, word);
                return ContextNames(ShellPath(fakeBoundParameters?["KubeConfig"] as string))
                    .Where(name => name.StartsWith(word, StringComparison.OrdinalIgnoreCase) && !typed.Contains(name))
                    .Select(name => new CompletionResult(Quoted(name), name, CompletionResultType.ParameterValue, name))
                    .ToList();
            }
            catch (RunbookException)
            {
                // No kubeconfig, or an unreadable one: nothing to offer, and never an error while typing.
                return Array.Empty<CompletionResult>();
            }
        }

        static IEnumerable<string> ContextNames(string? kubeConfig) => Engine.Configuration.KubeContexts.List(kubeConfig);

        /// <summary>The values already given to the parameter, except the one being completed.</summary>
        static HashSet<string> AlreadyTyped(CommandAst? commandAst, string parameterName, string word)
        {
            var typed = new HashSet<string>(StringComparer.Ordinal);
            if (commandAst == null)
            {
                return typed;
            }

            var elements = commandAst.CommandElements;
            for (var i = 0; i < elements.Count; i++)
            {
                if (elements[i] is not CommandParameterAst parameter
                    || !parameterName.StartsWith(parameter.ParameterName, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var argument = parameter.Argument ?? (i + 1 < elements.Count && elements[i + 1] is not CommandParameterAst ? elements[i + 1] : null);
                if (argument == null)
                {
                    continue;
                }

                var values = argument.FindAll(ast => ast is StringConstantExpressionAst, searchNestedScriptBlocks: false)
                    .Cast<StringConstantExpressionAst>()
                    .Select(ast => ast.Value)
                    .ToList();

                // The word at the cursor is being completed, not already chosen.
                values.Remove(word);
                typed.UnionWith(values);
            }

            return typed;
        }

        /// <summary>A typed -KubeConfig as the session means it (relative to $PWD, ~); as typed when it cannot be resolved here.</summary>
        static string? ShellPath(string? typed)
        {
            if (string.IsNullOrWhiteSpace(typed))
            {
                return typed;
            }

            try
            {
                // The completer gets no session state: ask the session it runs in, on its own thread.
                using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
                shell.AddScript("param($path) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($path)").AddArgument(typed);
                return shell.Invoke().FirstOrDefault()?.BaseObject as string ?? typed;
            }
#pragma warning disable CA1031 // Completion must never fail: an unresolvable path is tried as typed.
            catch (Exception)
#pragma warning restore CA1031
            {
                return typed;
            }
        }

        static readonly System.Buffers.SearchValues<char> NeedQuotes = System.Buffers.SearchValues.Create(" '\",;$`(){}@#");

        static string Quoted(string name) => name.AsSpan().IndexOfAny(NeedQuotes) >= 0 ? "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'" : name;
    }
}
