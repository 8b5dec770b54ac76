using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// The API server's error answers, with the messages it really writes: tools match on these strings and people
    /// read them in the middle of an incident.
    /// </summary>
    internal static class StatusObjects
    {
        public static JsonObject Failure(int code, string reason, string message, JsonObject? details)
        {
            var status = new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = message,
                ["reason"] = reason,
            };
            if (details is not null)
            {
                status["details"] = details;
            }

            status["code"] = code;
            return status;
        }

        public static JsonObject Success(ResourceType type, string name, string? uid)
        {
            var details = Details(type, name);
            if (uid is not null)
            {
                details["uid"] = uid;
            }

            return new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Success",
                ["details"] = details,
            };
        }

        static JsonObject Details(ResourceType type, string? name)
        {
            var details = new JsonObject();
            if (!string.IsNullOrEmpty(name))
            {
                details["name"] = name;
            }

            if (type.Group.Length > 0)
            {
                details["group"] = type.Group;
            }

            details["kind"] = type.Plural;
            return details;
        }

        public static KubernetesStatusException Unauthorized() =>
            new(401, "Unauthorized", "Unauthorized");

        public static KubernetesStatusException NotFound(ResourceType type, string name) =>
            new(404, "NotFound", $"{type.QualifiedName} \"{name}\" not found", Details(type, name));

        public static KubernetesStatusException PathNotFound() =>
            new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

        public static KubernetesStatusException AlreadyExists(ResourceType type, string name) =>
            new(409, "AlreadyExists", $"{type.QualifiedName} \"{name}\" already exists", Details(type, name));

        public static KubernetesStatusException Conflict(ResourceType type, string name) =>
            new(409, "Conflict",
                $"Operation cannot be fulfilled on {type.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                Details(type, name));

        /// <summary>RBAC's answer, naming the user, the verb and the resource that is missing.</summary>
        public static KubernetesStatusException Forbidden(ResourceType type, string? name, string verb, string user, string? ns)
        {
            var subject = string.IsNullOrEmpty(name) ? type.QualifiedName : $"{type.QualifiedName} \"{name}\"";
            var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
            return new(403, "Forbidden",
                $"{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{type.Plural}\" in API group \"{type.Group}\" {scope}",
                Details(type, name));
        }

        public static KubernetesStatusException Invalid(ResourceType type, string name, string field, string problem)
        {
            var details = Details(type, name);
            details["kind"] = type.Kind;
            details["causes"] = new JsonArray(new JsonObject
            {
                ["reason"] = "FieldValueInvalid",
                ["message"] = problem,
                ["field"] = field,
            });
            var kind = type.Group.Length == 0 ? type.Kind : type.Kind + "." + type.Group;
            return new(422, "Invalid", $"{kind} \"{name}\" is invalid: {field}: {problem}", details);
        }

        public static KubernetesStatusException BadRequest(string message) =>
            new(400, "BadRequest", message);

        /// <summary>A JSON patch that cannot apply: the server's generic 422.</summary>
        public static KubernetesStatusException UnprocessablePatch(string problem)
        {
            var details = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = problem }) };
            return new(422, "Invalid", "the server rejected our request due to an error in our request", details);
        }

        public static KubernetesStatusException UnsupportedMediaType(string contentType) =>
            new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/strategic-merge-patch+json, application/merge-patch+json, application/json-patch+json (got {contentType})");

        public static KubernetesStatusException MethodNotAllowed(string method) =>
            new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method})", new JsonObject());

        public static KubernetesStatusException Gone(string message) =>
            new(410, "Expired", message);
    }
}
