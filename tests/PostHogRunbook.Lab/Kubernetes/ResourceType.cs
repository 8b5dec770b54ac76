namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>One kind of object the lab's API server serves, with what discovery says about it.</summary>
    internal sealed record ResourceType(
        string Group,
        string Version,
        string Plural,
        string Singular,
        string Kind,
        bool Namespaced,
        IReadOnlyList<string> ShortNames,
        IReadOnlyList<string> Categories)
    {
        public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

        /// <summary>How the server names the resource in messages: "deployments.apps", "secrets".</summary>
        public string QualifiedName => Group.Length == 0 ? Plural : Plural + "." + Group;

        public string ListKind => Kind + "List";

        public static readonly IReadOnlyList<string> ReadWriteVerbs =
            new[] { "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch" };
    }

    /// <summary>The subset of Kubernetes the lab plays.</summary>
    internal static class ResourceTypes
    {
        static readonly string[] None = Array.Empty<string>();
        static readonly string[] All = { "all" };

        public static readonly ResourceType Namespaces = new("", "v1", "namespaces", "namespace", "Namespace", false, new[] { "ns" }, None);
        public static readonly ResourceType Pods = new("", "v1", "pods", "pod", "Pod", true, new[] { "po" }, All);
        public static readonly ResourceType Events = new("", "v1", "events", "event", "Event", true, new[] { "ev" }, None);
        public static readonly ResourceType Secrets = new("", "v1", "secrets", "secret", "Secret", true, None, None);
        public static readonly ResourceType ConfigMaps = new("", "v1", "configmaps", "configmap", "ConfigMap", true, new[] { "cm" }, None);
        public static readonly ResourceType Deployments = new("apps", "v1", "deployments", "deployment", "Deployment", true, new[] { "deploy" }, All);
        public static readonly ResourceType ReplicaSets = new("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, new[] { "rs" }, All);

        // What deploy/ installs (the CronJob, its ServiceAccount, the Roles and their bindings) and what the shared
        // journal's remediation lock takes: stored and served like the rest, so kubectl apply works against the lab.
        public static readonly ResourceType ServiceAccounts = new("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, new[] { "sa" }, None);
        public static readonly ResourceType CronJobs = new("batch", "v1", "cronjobs", "cronjob", "CronJob", true, new[] { "cj" }, All);
        public static readonly ResourceType Roles = new("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, None, None);
        public static readonly ResourceType RoleBindings = new("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, None, None);
        public static readonly ResourceType Leases = new("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, None, None);

        public static readonly IReadOnlyList<ResourceType> Served =
            new[] { Namespaces, Pods, Events, Secrets, ConfigMaps, ServiceAccounts, Deployments, ReplicaSets, CronJobs, Roles, RoleBindings, Leases };

        /// <summary>The named API groups, in the order a real server's /apis lists them.</summary>
        public static readonly IReadOnlyList<string> Groups = new[] { "apps", "batch", "rbac.authorization.k8s.io", "coordination.k8s.io" };

        public static ResourceType? Find(string group, string version, string plural)
        {
            foreach (var type in Served)
            {
                if (type.Group == group && type.Version == version && type.Plural == plural)
                {
                    return type;
                }
            }

            return null;
        }

        public static IEnumerable<ResourceType> InGroupVersion(string group, string version) =>
            Served.Where(t => t.Group == group && t.Version == version);
    }
}
