using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// The registry's validation of what a client writes, where a runbook or its journal can trip over it, in a
    /// 1.32 server's words: names (DNS subdomains), labels and the 256 KiB of annotations on every object; the
    /// 1 MiB of data a ConfigMap or Secret may hold and their keys; a Lease's spec; a Role's rules and a
    /// RoleBinding's roleRef. Every error of the object is returned, in the server's order.
    /// </summary>
    internal static partial class ObjectValidation
    {
        /// <summary>core.MaxSecretSize: the most data a ConfigMap or a Secret holds (values, not keys).</summary>
        public const int MaxDataBytes = 1024 * 1024;

        /// <summary>TotalAnnotationSizeLimitB: keys and values of all annotations together.</summary>
        public const int MaxAnnotationBytes = 256 * 1024;

        const string QualifiedNameMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
        const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
        const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
        const string SubdomainFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
        const string ConfigKeyMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
        const string ConfigKeyFormat = "[-._a-zA-Z0-9]+";
        const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

        [GeneratedRegex("^" + QualifiedNameFormat + "$")]
        private static partial Regex QualifiedName();

        [GeneratedRegex("^" + SubdomainFormat + "$")]
        private static partial Regex Subdomain();

        [GeneratedRegex("^" + ConfigKeyFormat + "$")]
        private static partial Regex ConfigKey();

        public static IReadOnlyList<FieldError> OnCreate(ResourceType type, JsonObject item)
        {
            var errors = new List<FieldError>();
            var metadata = item["metadata"] as JsonObject ?? new JsonObject();
            var name = Text(metadata["name"]);
            if (type != ResourceTypes.Roles && type != ResourceTypes.RoleBindings)
            {
                foreach (var message in SubdomainErrors(name))
                {
                    errors.Add(FieldError.Invalid("metadata.name", FieldError.Quote(name), message));
                }
            }

            errors.AddRange(Validate(type, item));
            return errors;
        }

        public static IReadOnlyList<FieldError> OnUpdate(ResourceType type, JsonObject current, JsonObject next)
        {
            var errors = new List<FieldError>(Validate(type, next));
            if (type == ResourceTypes.RoleBindings && !JsonNode.DeepEquals(current["roleRef"], next["roleRef"]))
            {
                errors.Add(FieldError.Invalid("roleRef", RoleRefText(next["roleRef"]), "cannot change roleRef"));
            }

            return errors;
        }

        static List<FieldError> Validate(ResourceType type, JsonObject item)
        {
            var errors = new List<FieldError>();
            var metadata = item["metadata"] as JsonObject ?? new JsonObject();
            ValidateLabels(metadata["labels"] as JsonObject, errors);
            ValidateAnnotations(metadata["annotations"] as JsonObject, errors);
            switch (type.Plural)
            {
                case "configmaps":
                    ValidateConfigMap(item, errors);
                    break;
                case "secrets":
                    ValidateSecret(item, errors);
                    break;
                case "leases":
                    ValidateLease(item["spec"], errors);
                    break;
                case "roles":
                    errors.AddRange(RoleRuleErrors(item["rules"] as JsonArray, namespaced: true));
                    break;
                case "rolebindings":
                    ValidateRoleRef(item["roleRef"], errors);
                    break;
            }

            return errors;
        }

        /// <summary>validatePolicyRule: what makes a Role's rule invalid (a ClusterRole may also name non-resource URLs).</summary>
        public static IReadOnlyList<FieldError> RoleRuleErrors(JsonArray? rules, bool namespaced)
        {
            var errors = new List<FieldError>();
            if (rules is null)
            {
                return errors;
            }

            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i] as JsonObject ?? new JsonObject();
                var path = $"rules[{i}]";
                var verbs = Strings(rule["verbs"]);
                var groups = Strings(rule["apiGroups"]);
                var resources = Strings(rule["resources"]);
                var names = Strings(rule["resourceNames"]);
                var urls = Strings(rule["nonResourceURLs"]);
                if (verbs.Count == 0)
                {
                    errors.Add(FieldError.Required(path + ".verbs", "verbs must contain at least one value"));
                }

                if (urls.Count > 0)
                {
                    if (namespaced)
                    {
                        errors.Add(FieldError.Invalid(path + ".nonResourceURLs", FieldError.StringSlice(urls), "namespaced rules cannot apply to non-resource URLs"));
                    }

                    if (groups.Count > 0 || resources.Count > 0 || names.Count > 0)
                    {
                        errors.Add(FieldError.Invalid(path + ".nonResourceURLs", FieldError.StringSlice(urls), "rules cannot apply to both regular resources and non-resource URLs"));
                    }

                    continue;
                }

                if (groups.Count == 0)
                {
                    errors.Add(FieldError.Required(path + ".apiGroups", "resource rules must supply at least one api group"));
                }

                if (resources.Count == 0)
                {
                    errors.Add(FieldError.Required(path + ".resources", "resource rules must supply at least one resource"));
                }

                if (names.Count > 0 && resources.Count > 1)
                {
                    errors.Add(FieldError.Required(path + ".resourceNames", "resource names cannot apply to multiple resources"));
                }
            }

            return errors;
        }

        static void ValidateLabels(JsonObject? labels, List<FieldError> errors)
        {
            if (labels is null)
            {
                return;
            }

            foreach (var (key, valueNode) in labels)
            {
                foreach (var message in QualifiedNameErrors(key))
                {
                    errors.Add(FieldError.Invalid("metadata.labels", FieldError.Quote(key), message));
                }

                var value = Text(valueNode);
                if (value.Length > 63)
                {
                    errors.Add(FieldError.Invalid("metadata.labels", FieldError.Quote(value), "must be no more than 63 characters"));
                }

                if (value.Length > 0 && !QualifiedName().IsMatch(value))
                {
                    errors.Add(FieldError.Invalid("metadata.labels", FieldError.Quote(value),
                        RegexError(LabelValueMessage, "(" + QualifiedNameFormat + ")?", "MyValue", "my_value", "12345")));
                }
            }
        }

        static void ValidateAnnotations(JsonObject? annotations, List<FieldError> errors)
        {
            if (annotations is null)
            {
                return;
            }

            long total = 0;
            foreach (var (key, value) in annotations)
            {
                foreach (var message in QualifiedNameErrors(key.ToLowerInvariant()))
                {
                    errors.Add(FieldError.Invalid("metadata.annotations", FieldError.Quote(key), message));
                }

                total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(Text(value));
            }

            if (total > MaxAnnotationBytes)
            {
                errors.Add(FieldError.TooLong("metadata.annotations", MaxAnnotationBytes));
            }
        }

        static void ValidateConfigMap(JsonObject configMap, List<FieldError> errors)
        {
            long total = 0;
            var data = configMap["data"] as JsonObject;
            foreach (var (key, value) in data ?? new JsonObject())
            {
                AddKeyErrors("data", key, errors);
                total += Encoding.UTF8.GetByteCount(Text(value));
            }

            foreach (var (key, value) in configMap["binaryData"] as JsonObject ?? new JsonObject())
            {
                AddKeyErrors("binaryData", key, errors);
                total += DecodedLength(Text(value));
                if (data?.ContainsKey(key) == true)
                {
                    errors.Add(FieldError.Invalid($"binaryData[{key}]", FieldError.Quote(key), "duplicate key in both data and binaryData"));
                }
            }

            if (total > MaxDataBytes)
            {
                // The path of the whole object: apimachinery prints it as [].
                errors.Add(FieldError.TooLong("[]", MaxDataBytes));
            }
        }

        static void ValidateSecret(JsonObject secret, List<FieldError> errors)
        {
            long total = 0;
            foreach (var (key, value) in secret["data"] as JsonObject ?? new JsonObject())
            {
                AddKeyErrors("data", key, errors);
                total += DecodedLength(Text(value));
            }

            if (total > MaxDataBytes)
            {
                errors.Add(FieldError.TooLong("data", MaxDataBytes));
            }
        }

        static void ValidateLease(JsonNode? spec, List<FieldError> errors)
        {
            if (spec?["leaseDurationSeconds"] is JsonValue duration && duration.TryGetValue<long>(out var seconds) && seconds <= 0)
            {
                errors.Add(FieldError.Invalid("spec.leaseDurationSeconds", duration.ToJsonString(), "must be greater than 0"));
            }

            if (spec?["leaseTransitions"] is JsonValue transitions && transitions.TryGetValue<long>(out var count) && count < 0)
            {
                errors.Add(FieldError.Invalid("spec.leaseTransitions", transitions.ToJsonString(), "must be greater than or equal to 0"));
            }
        }

        static void ValidateRoleRef(JsonNode? roleRef, List<FieldError> errors)
        {
            var group = Text(roleRef?["apiGroup"]);
            if (group != ResourceTypes.Roles.Group)
            {
                errors.Add(FieldError.NotSupported("roleRef.apiGroup", group, ResourceTypes.Roles.Group));
            }

            var kind = Text(roleRef?["kind"]);
            if (kind is not ("Role" or "ClusterRole"))
            {
                errors.Add(FieldError.NotSupported("roleRef.kind", kind, "Role", "ClusterRole"));
            }

            if (Text(roleRef?["name"]).Length == 0)
            {
                errors.Add(FieldError.Required("roleRef.name", ""));
            }
        }

        static void AddKeyErrors(string field, string key, List<FieldError> errors)
        {
            var messages = new List<string>();
            if (key.Length > 253)
            {
                messages.Add("must be no more than 253 characters");
            }

            if (!ConfigKey().IsMatch(key))
            {
                messages.Add(RegexError(ConfigKeyMessage, ConfigKeyFormat, "key.name", "KEY_NAME", "key-name"));
            }

            if (key == ".")
            {
                messages.Add("must not be '.'");
            }
            else if (key == "..")
            {
                messages.Add("must not be '..'");
            }
            else if (key.StartsWith("..", StringComparison.Ordinal))
            {
                messages.Add("must not start with '..'");
            }

            foreach (var message in messages)
            {
                errors.Add(FieldError.Invalid($"{field}[{key}]", FieldError.Quote(key), message));
            }
        }

        static IEnumerable<string> SubdomainErrors(string name)
        {
            if (name.Length > 253)
            {
                yield return "must be no more than 253 characters";
            }

            if (!Subdomain().IsMatch(name))
            {
                yield return RegexError(SubdomainMessage, SubdomainFormat, "example.com");
            }
        }

        /// <summary>IsQualifiedName: an optional DNS subdomain prefix and '/', then a name of at most 63 characters.</summary>
        static IEnumerable<string> QualifiedNameErrors(string value)
        {
            var parts = value.Split('/');
            string name;
            switch (parts.Length)
            {
                case 1:
                    name = parts[0];
                    break;
                case 2:
                    name = parts[1];
                    if (parts[0].Length == 0)
                    {
                        yield return "prefix part must be non-empty";
                    }
                    else
                    {
                        foreach (var message in SubdomainErrors(parts[0]))
                        {
                            yield return "prefix part " + message;
                        }
                    }

                    break;
                default:
                    yield return "a qualified name " + RegexError(QualifiedNameMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc")
                        + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
                    yield break;
            }

            if (name.Length == 0)
            {
                yield return "name part must be non-empty";
            }
            else if (name.Length > 63)
            {
                yield return "name part must be no more than 63 characters";
            }

            if (!QualifiedName().IsMatch(name))
            {
                yield return "name part " + RegexError(QualifiedNameMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc");
            }
        }

        /// <summary>validation.RegexError: the message, its examples, and the regex itself.</summary>
        static string RegexError(string message, string format, params string[] examples) =>
            message + " (e.g. " + string.Join(" or ", examples.Select(e => "'" + e + "', ")) + "regex used for validation is '" + format + "')";

        static string RoleRefText(JsonNode? roleRef) =>
            $"rbac.RoleRef{{APIGroup:{FieldError.Quote(Text(roleRef?["apiGroup"]))}, Kind:{FieldError.Quote(Text(roleRef?["kind"]))}, Name:{FieldError.Quote(Text(roleRef?["name"]))}}}";

        static long DecodedLength(string base64)
        {
            var padding = base64.EndsWith("==", StringComparison.Ordinal) ? 2 : base64.EndsWith('=') ? 1 : 0;
            return Math.Max(0, (base64.Length / 4 * 3) - padding);
        }

        static List<string> Strings(JsonNode? node) =>
            node is JsonArray list ? list.Select(Text).ToList() : new List<string>();

        static string Text(JsonNode? node) =>
            node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
    }
}
