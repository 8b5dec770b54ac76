using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// Server-side printing: the meta.k8s.io/v1 Table kubectl asks for (Accept ...;as=Table) and prints as-is.
    /// The columns and cell rules are the real printers' (pod STATUS from container states, RESTARTS "7 (25s ago)",
    /// AGE from creationTimestamp), because what `kubectl get pods` shows is what the runbook's reader sees.
    /// </summary>
    internal static class TablePrinter
    {
        sealed record Column(string Name, string Type, string Description, int Priority = 0, string Format = "");

        static readonly Column NameColumn = new("Name", "string", "Name must be unique within a namespace.", 0, "name");
        static readonly Column AgeColumn = new("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object was created.");

        public static JsonObject Table(ResourceType type, IEnumerable<JsonObject> items, long resourceVersion, string includeObject, DateTimeOffset now)
        {
            var columns = Columns(type);
            var rows = new JsonArray();
            foreach (var item in items)
            {
                var row = new JsonObject { ["cells"] = new JsonArray(Cells(type, item, now).ToArray()) };
                if (includeObject == "Object")
                {
                    row["object"] = item.DeepClone();
                }
                else if (includeObject != "None")
                {
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = item["metadata"]?.DeepClone(),
                    };
                }

                rows.Add(row);
            }

            return new JsonObject
            {
                ["kind"] = "Table",
                ["apiVersion"] = "meta.k8s.io/v1",
                ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["columnDefinitions"] = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = c.Name,
                    ["type"] = c.Type,
                    ["format"] = c.Format,
                    ["description"] = c.Description,
                    ["priority"] = c.Priority,
                }).ToArray()),
                ["rows"] = rows,
            };
        }

        static Column[] Columns(ResourceType type) => type.Plural switch
        {
            "pods" => new[]
            {
                NameColumn,
                new Column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
                new Column("Status", "string", "The aggregate status of the containers in this pod."),
                new Column("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
                AgeColumn,
                new Column("IP", "string", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
                new Column("Node", "string", "NodeName is a request to schedule this pod onto a specific node.", 1),
                new Column("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node.", 1),
                new Column("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness.", 1),
            },
            "deployments" => new[]
            {
                NameColumn,
                new Column("Ready", "string", "Number of the pod with ready state"),
                new Column("Up-to-date", "integer", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                new Column("Available", "integer", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
                AgeColumn,
                new Column("Containers", "string", "Names of each container in the template.", 1),
                new Column("Images", "string", "Images referenced by each container in the template.", 1),
                new Column("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1),
            },
            "replicasets" => new[]
            {
                NameColumn,
                new Column("Desired", "integer", "Replicas is the number of desired replicas."),
                new Column("Current", "integer", "Replicas is the most recently observed number of replicas."),
                new Column("Ready", "integer", "The number of ready replicas for this replica set."),
                AgeColumn,
                new Column("Containers", "string", "Names of each container in the template.", 1),
                new Column("Images", "string", "Images referenced by each container in the template.", 1),
                new Column("Selector", "string", "Selector is a label query over pods that should match the replica count.", 1),
            },
            "secrets" => new[]
            {
                NameColumn,
                new Column("Type", "string", "Used to facilitate programmatic handling of secret data."),
                new Column("Data", "string", "Data contains the secret data."),
                AgeColumn,
            },
            "configmaps" => new[]
            {
                NameColumn,
                new Column("Data", "string", "Data contains the configuration data."),
                AgeColumn,
            },
            "namespaces" => new[]
            {
                NameColumn,
                new Column("Status", "string", "The status of the namespace"),
                AgeColumn,
            },
            "events" => new[]
            {
                new Column("Last Seen", "string", "Time when this Event was last observed."),
                new Column("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future."),
                new Column("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
                new Column("Object", "string", "The object that this event is about."),
                new Column("Subobject", "string", "The subobject (a container) that this event is about.", 1),
                new Column("Source", "string", "The component reporting this event.", 1),
                new Column("Message", "string", "A human-readable description of the status of this operation."),
                new Column("First Seen", "string", "The time at which the event was first recorded.", 1),
                new Column("Count", "string", "The number of times this event has occurred.", 1),
                new Column("Name", "string", "Name must be unique within a namespace.", 1, "name"),
            },
            "leases" => new[]
            {
                NameColumn,
                new Column("Holder", "string", "holderIdentity contains the identity of the holder of a current lease."),
                AgeColumn,
            },
            "serviceaccounts" => new[]
            {
                NameColumn,
                new Column("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
                AgeColumn,
            },
            "rolebindings" => new[]
            {
                NameColumn,
                new Column("Role", "string", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
                AgeColumn,
                new Column("Users", "string", "Users in the roleBinding", 1),
                new Column("Groups", "string", "Groups in the roleBinding", 1),
                new Column("ServiceAccounts", "string", "ServiceAccounts in the roleBinding", 1),
            },
            "cronjobs" => new[]
            {
                NameColumn,
                new Column("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
                new Column("Timezone", "string", "The time zone name for the given schedule."),
                new Column("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions."),
                new Column("Active", "integer", "A list of pointers to currently running jobs."),
                new Column("Last Schedule", "string", "Information when was the last time the job was successfully scheduled."),
                AgeColumn,
                new Column("Containers", "string", "Names of each container in the template.", 1),
                new Column("Images", "string", "Images referenced by each container in the template.", 1),
                new Column("Selector", "string", "A label query over pods that should match the pod count.", 1),
            },
            // Kinds without a printer of their own (Role) get the default table: the name and when it was made.
            "roles" => new[] { NameColumn, new Column("Created At", "date", "CreationTimestamp is a timestamp representing the server time when this object was created.") },
            _ => new[] { NameColumn, AgeColumn },
        };

        static JsonNode?[] Cells(ResourceType type, JsonObject item, DateTimeOffset now)
        {
            var name = item["metadata"]?["name"]?.GetValue<string>() ?? "";
            var age = Age(item["metadata"]?["creationTimestamp"], now);
            switch (type.Plural)
            {
                case "pods":
                    return PodCells(item, name, age, now);
                case "deployments":
                {
                    var replicas = item["spec"]?["replicas"]?.GetValue<int>() ?? 1;
                    var status = item["status"];
                    var (containers, images) = TemplateContainers(item);
                    return new JsonNode?[]
                    {
                        name,
                        $"{Int(status?["readyReplicas"])}/{replicas}",
                        Int(status?["updatedReplicas"]),
                        Int(status?["availableReplicas"]),
                        age,
                        containers,
                        images,
                        Selector(item["spec"]?["selector"]?["matchLabels"]),
                    };
                }

                case "replicasets":
                {
                    var (containers, images) = TemplateContainers(item);
                    return new JsonNode?[]
                    {
                        name,
                        Int(item["spec"]?["replicas"]),
                        Int(item["status"]?["replicas"]),
                        Int(item["status"]?["readyReplicas"]),
                        age,
                        containers,
                        images,
                        Selector(item["spec"]?["selector"]?["matchLabels"]),
                    };
                }

                case "secrets":
                    return new JsonNode?[] { name, item["type"]?.GetValue<string>() ?? "Opaque", Count(item["data"]), age };
                case "configmaps":
                    return new JsonNode?[] { name, Count(item["data"]) + Count(item["binaryData"]), age };
                case "namespaces":
                    return new JsonNode?[] { name, item["status"]?["phase"]?.GetValue<string>() ?? "Active", age };
                case "events":
                {
                    var involved = item["involvedObject"];
                    var source = item["source"]?["component"]?.GetValue<string>() ?? "";
                    var host = item["source"]?["host"]?.GetValue<string>();
                    return new JsonNode?[]
                    {
                        Age(item["lastTimestamp"] ?? item["metadata"]?["creationTimestamp"], now),
                        item["type"]?.GetValue<string>() ?? "",
                        item["reason"]?.GetValue<string>() ?? "",
                        (involved?["kind"]?.GetValue<string>() ?? "").ToLowerInvariant() + "/" + involved?["name"]?.GetValue<string>(),
                        involved?["fieldPath"]?.GetValue<string>() ?? "",
                        host is null ? source : source + ", " + host,
                        item["message"]?.GetValue<string>() ?? "",
                        Age(item["firstTimestamp"], now),
                        Int(item["count"]),
                        name,
                    };
                }

                case "leases":
                    return new JsonNode?[] { name, item["spec"]?["holderIdentity"]?.GetValue<string>() ?? "", age };
                case "serviceaccounts":
                    return new JsonNode?[] { name, (item["secrets"] as JsonArray)?.Count ?? 0, age };
                case "rolebindings":
                {
                    var subjects = (item["subjects"] as JsonArray)?.OfType<JsonObject>().ToList() ?? new List<JsonObject>();
                    string Subjects(string kind) => string.Join(", ", subjects
                        .Where(x => x["kind"]?.GetValue<string>() == kind)
                        .Select(x => kind == "ServiceAccount" ? x["namespace"]?.GetValue<string>() + "/" + x["name"]?.GetValue<string>() : x["name"]?.GetValue<string>()));
                    return new JsonNode?[]
                    {
                        name,
                        item["roleRef"]?["kind"]?.GetValue<string>() + "/" + item["roleRef"]?["name"]?.GetValue<string>(),
                        age,
                        Subjects("User"),
                        Subjects("Group"),
                        Subjects("ServiceAccount"),
                    };
                }

                case "cronjobs":
                {
                    var spec = item["spec"];
                    var jobTemplate = new JsonObject { ["spec"] = spec?["jobTemplate"]?["spec"]?.DeepClone() };
                    var (containers, images) = TemplateContainers(jobTemplate);
                    var lastSchedule = item["status"]?["lastScheduleTime"];
                    return new JsonNode?[]
                    {
                        name,
                        spec?["schedule"]?.GetValue<string>() ?? "",
                        spec?["timeZone"]?.GetValue<string>() ?? "<none>",
                        spec?["suspend"]?.GetValue<bool>() ?? false,
                        (item["status"]?["active"] as JsonArray)?.Count ?? 0,
                        lastSchedule is null ? "<none>" : Age(lastSchedule, now),
                        age,
                        containers,
                        images,
                        Selector(spec?["jobTemplate"]?["spec"]?["selector"]?["matchLabels"]),
                    };
                }

                case "roles":
                    return new JsonNode?[] { name, item["metadata"]?["creationTimestamp"]?.GetValue<string>() };
                default:
                    return new JsonNode?[] { name, age };
            }
        }

        static JsonNode?[] PodCells(JsonObject pod, string name, string age, DateTimeOffset now)
        {
            var statuses = (pod["status"]?["containerStatuses"] as JsonArray)?.OfType<JsonObject>().ToList() ?? new List<JsonObject>();
            var total = (pod["spec"]?["containers"] as JsonArray)?.Count ?? 0;
            var ready = statuses.Count(s => s["ready"]?.GetValue<bool>() == true);
            var restarts = statuses.Sum(s => s["restartCount"]?.GetValue<int>() ?? 0);
            DateTimeOffset? lastRestart = null;
            foreach (var status in statuses)
            {
                if (KubeTime.TryParse(status["lastState"]?["terminated"]?["finishedAt"]?.GetValue<string>(), out var finished)
                    && (lastRestart is null || finished > lastRestart))
                {
                    lastRestart = finished;
                }
            }

            var restartText = lastRestart is { } at
                ? $"{restarts} ({KubeTime.HumanDuration(now - at)} ago)"
                : restarts.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new JsonNode?[]
            {
                name,
                $"{ready}/{total}",
                PodStatusReason(pod, statuses),
                restartText,
                age,
                pod["status"]?["podIP"]?.GetValue<string>() ?? "<none>",
                pod["spec"]?["nodeName"]?.GetValue<string>() ?? "<none>",
                "<none>",
                "<none>",
            };
        }

        /// <summary>The printer's STATUS: the phase, overridden by the first container that is waiting or terminated.</summary>
        static string PodStatusReason(JsonObject pod, List<JsonObject> statuses)
        {
            var reason = pod["status"]?["reason"]?.GetValue<string>() ?? pod["status"]?["phase"]?.GetValue<string>() ?? "Unknown";
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var state = statuses[i]["state"];
                var waiting = state?["waiting"]?["reason"]?.GetValue<string>();
                var terminated = state?["terminated"];
                if (!string.IsNullOrEmpty(waiting))
                {
                    reason = waiting;
                }
                else if (terminated is not null)
                {
                    reason = terminated["reason"]?.GetValue<string>() ?? $"ExitCode:{terminated["exitCode"]}";
                }
            }

            if (pod["metadata"]?["deletionTimestamp"] is not null)
            {
                reason = "Terminating";
            }

            return reason;
        }

        static (string Containers, string Images) TemplateContainers(JsonObject item)
        {
            var containers = (item["spec"]?["template"]?["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>().ToList() ?? new List<JsonObject>();
            return (string.Join(",", containers.Select(c => c["name"]?.GetValue<string>())),
                    string.Join(",", containers.Select(c => c["image"]?.GetValue<string>())));
        }

        static string Selector(JsonNode? matchLabels) =>
            matchLabels is JsonObject labels ? string.Join(",", labels.Select(l => l.Key + "=" + l.Value?.GetValue<string>())) : "<none>";

        static int Int(JsonNode? node) => node?.GetValue<int>() ?? 0;

        static int Count(JsonNode? node) => node is JsonObject map ? map.Count : 0;

        static string Age(JsonNode? timestamp, DateTimeOffset now) =>
            KubeTime.TryParse(timestamp?.GetValue<string>(), out var at) ? KubeTime.HumanDuration(now - at) : "<unknown>";
    }
}
