using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// A parsed labelSelector (equality, set-based and existence requirements): how `kubectl get pods -l` and
    /// `kubectl logs -l` pick pods.
    /// </summary>
    internal sealed class LabelSelector
    {
        enum Operator { Equals, NotEquals, In, NotIn, Exists, DoesNotExist }

        sealed record Requirement(string Key, Operator Op, IReadOnlyList<string> Values);

        readonly List<Requirement> requirements;

        LabelSelector(List<Requirement> requirements) => this.requirements = requirements;

        public static readonly LabelSelector Everything = new(new List<Requirement>());

        public bool IsEverything => requirements.Count == 0;

        public static LabelSelector Parse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return Everything;
            }

            var parsed = new List<Requirement>();
            foreach (var part in SplitTopLevel(text))
            {
                parsed.Add(ParseRequirement(part.Trim(), text));
            }

            return new LabelSelector(parsed);
        }

        /// <summary>From a Deployment's or ReplicaSet's spec.selector (matchLabels only is what the lab needs).</summary>
        public static LabelSelector FromMatchLabels(JsonObject? matchLabels)
        {
            var parsed = new List<Requirement>();
            if (matchLabels is not null)
            {
                foreach (var (key, value) in matchLabels)
                {
                    parsed.Add(new Requirement(key, Operator.Equals, new[] { value?.GetValue<string>() ?? "" }));
                }
            }

            return new LabelSelector(parsed);
        }

        public bool Matches(JsonObject? labels)
        {
            foreach (var requirement in requirements)
            {
                var has = labels is not null && labels.TryGetPropertyValue(requirement.Key, out var node) && node is not null;
                var value = has ? labels![requirement.Key]!.GetValue<string>() : null;
                var ok = requirement.Op switch
                {
                    Operator.Exists => has,
                    Operator.DoesNotExist => !has,
                    Operator.Equals => has && value == requirement.Values[0],
                    Operator.NotEquals => !has || value != requirement.Values[0],
                    Operator.In => has && requirement.Values.Contains(value!),
                    Operator.NotIn => !has || !requirement.Values.Contains(value!),
                    _ => false,
                };
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        static List<string> SplitTopLevel(string text)
        {
            var parts = new List<string>();
            var depth = 0;
            var start = 0;
            for (var i = 0; i < text.Length; i++)
            {
                switch (text[i])
                {
                    case '(':
                        depth++;
                        break;
                    case ')':
                        depth--;
                        break;
                    case ',' when depth == 0:
                        parts.Add(text[start..i]);
                        start = i + 1;
                        break;
                }
            }

            parts.Add(text[start..]);
            return parts;
        }

        static Requirement ParseRequirement(string part, string whole)
        {
            if (part.Length == 0)
            {
                throw Unparsable(whole, "found '', expected: identifier");
            }

            if (part[0] == '!')
            {
                return new Requirement(CheckKey(part[1..].Trim(), whole), Operator.DoesNotExist, Array.Empty<string>());
            }

            var notEquals = part.IndexOf("!=", StringComparison.Ordinal);
            if (notEquals > 0)
            {
                return new Requirement(CheckKey(part[..notEquals].Trim(), whole), Operator.NotEquals, new[] { part[(notEquals + 2)..].Trim() });
            }

            var equals = part.IndexOf('=');
            if (equals > 0)
            {
                var valueStart = equals + 1 < part.Length && part[equals + 1] == '=' ? equals + 2 : equals + 1;
                return new Requirement(CheckKey(part[..equals].Trim(), whole), Operator.Equals, new[] { part[valueStart..].Trim() });
            }

            var open = part.IndexOf('(');
            if (open > 0)
            {
                if (!part.EndsWith(')'))
                {
                    throw Unparsable(whole, "found '', expected: ')'");
                }

                var head = part[..open].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (head.Length != 2 || (head[1] != "in" && head[1] != "notin"))
                {
                    throw Unparsable(whole, $"found '{part[..open].Trim()}', expected: in, notin");
                }

                var values = part[(open + 1)..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                return new Requirement(CheckKey(head[0], whole), head[1] == "in" ? Operator.In : Operator.NotIn, values);
            }

            return new Requirement(CheckKey(part, whole), Operator.Exists, Array.Empty<string>());
        }

        static string CheckKey(string key, string whole)
        {
            if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c == '(' || c == ')' || c == '!'))
            {
                throw Unparsable(whole, $"found '{key}', expected: identifier");
            }

            return key;
        }

        static KubernetesStatusException Unparsable(string whole, string problem) =>
            StatusObjects.BadRequest($"unable to parse requirement: {problem} (selector \"{whole}\")");
    }
}
