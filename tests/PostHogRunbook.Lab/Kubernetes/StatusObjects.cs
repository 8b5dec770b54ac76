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

        /// <summary>
        /// RBAC's answer, naming the user, the verb and the resource (with its subresource) that is missing. The
        /// subject is the resource without its subresource, and the object's name when the request had one.
        /// </summary>
        public static KubernetesStatusException Forbidden(RequestAttributes request, string user)
        {
            var subject = request.Name.Length == 0 ? request.QualifiedResource : $"{request.QualifiedResource} \"{request.Name}\"";
            var scope = request.Namespace.Length == 0 ? "at the cluster scope" : $"in the namespace \"{request.Namespace}\"";
            var details = new JsonObject();
            if (request.Name.Length > 0)
            {
                details["name"] = request.Name;
            }

            if (request.ApiGroup.Length > 0)
            {
                details["group"] = request.ApiGroup;
            }

            details["kind"] = request.Resource;
            return new(403, "Forbidden",
                $"{subject} is forbidden: User \"{user}\" cannot {request.Verb} resource \"{request.CombinedResource}\" in API group \"{request.ApiGroup}\" {scope}",
                details);
        }

        public static KubernetesStatusException Invalid(ResourceType type, string name, string field, string problem) =>
            Invalid(type, name, new[] { new FieldError("FieldValueInvalid", field, problem) });

        /// <summary>422 Invalid: one error is the message's tail as it is, several are listed in brackets, as apimachinery aggregates them.</summary>
        public static KubernetesStatusException Invalid(ResourceType type, string name, IReadOnlyList<FieldError> errors)
        {
            var details = Details(type, name);
            details["kind"] = type.Kind;
            details["causes"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject
            {
                ["reason"] = e.Reason,
                ["message"] = e.Body,
                ["field"] = e.Field,
            }).ToArray());
            var kind = type.Group.Length == 0 ? type.Kind : type.Kind + "." + type.Group;
            var listed = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]";
            return new(422, "Invalid", $"{kind} \"{name}\" is invalid: {listed}", details);
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
