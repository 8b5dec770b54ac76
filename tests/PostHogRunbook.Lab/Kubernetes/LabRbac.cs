using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// The Roles the lab's Kubernetes API enforces for its user, switchable while clients run (--rbac-role at
    /// start, PUT /_lab/rbac and DELETE /_lab/rbac on the control port, or these methods in-process). Nothing
    /// enforced means everything is allowed, as for a cluster admin. When Roles are enforced the user is bound
    /// to exactly them: a Role grants in its namespace, a ClusterRole everywhere, and a refusal is RBAC's 403
    /// naming this user. Thread-safe: a switch takes effect on the next request.
    /// </summary>
    public sealed class LabRbac
    {
        /// <summary>Who the lab says its user is in RBAC's refusals, unless told otherwise: the kubeconfig's user.</summary>
        public const string DefaultUser = KubeconfigFile.UserName;

        volatile RbacPolicy? policy;

        /// <summary>True while Roles are enforced.</summary>
        public bool Enforcing => policy is not null;

        /// <summary>The user named in refusals while Roles are enforced; null when everything is allowed.</summary>
        public string? User => policy?.User;

        internal RbacPolicy? Policy => policy;

        /// <summary>
        /// Enforces the Roles and ClusterRoles in the text (YAML documents or JSON), replacing whatever was
        /// enforced. Throws FormatException, saying what is wrong, for text that holds no valid Role; then nothing changes.
        /// </summary>
        public void Enforce(string documents, string? user = null, string origin = "the Role documents")
        {
            var roles = RoleDocuments.Parse(documents, origin, KubeconfigFile.DefaultNamespace);
            policy = new RbacPolicy(string.IsNullOrWhiteSpace(user) ? DefaultUser : user, roles.Count > 0 ? roles : throw NoRole(origin));
        }

        /// <summary>
        /// Enforces the Roles of several files at once (each may hold several documents); a folder stands for its
        /// .yaml, .yml and .json files, as kubectl apply -f reads one.
        /// </summary>
        public void EnforceFiles(IEnumerable<string> paths, string? user = null)
        {
            var roles = new List<BoundRole>();
            var files = paths.SelectMany<string, string>(p => Directory.Exists(p)
                ? Directory.EnumerateFiles(p).Where(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json").Order(StringComparer.Ordinal)
                : new[] { p })
                .ToList();
            foreach (var path in files)
            {
                string text;
                try
                {
                    text = File.ReadAllText(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new FormatException($"Cannot read the Role file {path}: {e.Message}", e);
                }

                roles.AddRange(RoleDocuments.Parse(text, path, KubeconfigFile.DefaultNamespace));
            }

            if (roles.Count == 0)
            {
                throw NoRole(string.Join(", ", files));
            }

            policy = new RbacPolicy(string.IsNullOrWhiteSpace(user) ? DefaultUser : user, roles);
        }

        static FormatException NoRole(string origin) =>
            new($"{(origin.Length == 0 ? "No file given" : origin)}: no Role or ClusterRole (rbac.authorization.k8s.io/v1) in it.");

        /// <summary>Back to allowing everything.</summary>
        public void AllowAll() => policy = null;

        /// <summary>What is enforced, as the control endpoint shows it.</summary>
        public JsonObject Describe()
        {
            var current = policy;
            var json = new JsonObject { ["enforcing"] = current is not null };
            if (current is not null)
            {
                json["user"] = current.User;
                json["roles"] = new JsonArray(current.Roles.Select(r => (JsonNode)r.Describe()).ToArray());
            }

            return json;
        }
    }
}
