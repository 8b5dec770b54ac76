using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// Every request to the lab's API server goes through here: recorded (part "kubernetes", with the verb and
    /// resource RBAC sees), delayed by the lab's latency, authenticated (the kubeconfig's bearer token or the
    /// service account's, else 401), authorised (the rbac-* scenarios' refusals, then the Roles the lab enforces,
    /// each with RBAC's 403), then routed to discovery, OpenAPI, logs, watches or the resource verbs. Failures
    /// become Status.
    /// </summary>
    internal sealed class ApiRequestHandler
    {
        /// <summary>Who the read-only scenario says the lab's user is, in RBAC's messages.</summary>
        public const string ReadOnlyUser = "lab-readonly";

        static readonly string[] PublicPaths = { "/version", "/healthz", "/livez", "/readyz" };

        readonly LabCluster cluster;
        readonly LabContext lab;
        readonly byte[] kubeconfigAuthorization;
        readonly byte[] serviceAccountAuthorization;
        readonly ResourceEndpoints resources;

        readonly CancellationToken serverStopping;

        public ApiRequestHandler(LabCluster cluster, LabContext lab, string token, string serviceAccountToken, CancellationToken serverStopping)
        {
            this.serverStopping = serverStopping;
            this.cluster = cluster;
            this.lab = lab;
            kubeconfigAuthorization = Encoding.UTF8.GetBytes("Bearer " + token);
            serviceAccountAuthorization = Encoding.UTF8.GetBytes("Bearer " + serviceAccountToken);
            resources = new ResourceEndpoints(cluster.Store);
        }

        /// <summary>host:port, for discovery's serverAddressByClientCIDRs; set once Kestrel has its port.</summary>
        public string ServerAddress { get; set; } = "127.0.0.1:443";

        public async Task HandleAsync(HttpContext http)
        {
            // Watches and followed logs end when the client leaves or when the lab stops, whichever comes first.
            using var requestLifetime = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, serverStopping);
            var cancellationToken = requestLifetime.Token;
            var attributes = RequestAttributes.From(http.Request);
            var recorded = 0;
            void Record()
            {
                if (Interlocked.Exchange(ref recorded, 1) == 0)
                {
                    var resource = attributes.IsResourceRequest;
                    lab.Record(new RequestRecord(DateTimeOffset.UtcNow, "kubernetes", http.Request.Method, http.Request.Path.Value ?? "/",
                        http.Request.QueryString.HasValue ? http.Request.QueryString.Value![1..] : "", http.Response.StatusCode,
                        attributes.Verb,
                        resource ? attributes.ApiGroup : null,
                        resource ? attributes.CombinedResource : null,
                        resource ? attributes.Namespace : null,
                        resource && attributes.Name.Length > 0 ? attributes.Name : null));
                }
            }

            http.Response.OnStarting(() =>
            {
                Record();
                return Task.CompletedTask;
            });
            try
            {
                var latency = lab.EffectiveLatencyMs;
                if (latency > 0)
                {
                    await Task.Delay(latency, cancellationToken);
                }

                await RouteAsync(http, attributes, cancellationToken);
            }
            catch (KubernetesStatusException failure) when (!http.Response.HasStarted)
            {
                await ApiResponses.WriteStatusAsync(http, failure, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The client went away.
            }
            catch (Exception unexpected) when (!http.Response.HasStarted)
            {
                // A lab bug: say what it was, in the server's own words for internal errors.
                var failure = new KubernetesStatusException(500, "InternalError", "Internal error occurred: " + unexpected.Message);
                await ApiResponses.WriteStatusAsync(http, failure, cancellationToken);
            }
            finally
            {
                Record();
            }
        }

        async Task RouteAsync(HttpContext http, RequestAttributes attributes, CancellationToken cancellationToken)
        {
            var path = (http.Request.Path.Value ?? "/").TrimEnd('/');
            if (path.Length == 0)
            {
                path = "/";
            }

            var serviceAccount = IsBearer(http.Request, serviceAccountAuthorization);
            if (!PublicPaths.Contains(path) && !serviceAccount && !IsBearer(http.Request, kubeconfigAuthorization))
            {
                throw StatusObjects.Unauthorized();
            }

            var method = http.Request.Method;
            if (!attributes.IsResourceRequest)
            {
                // Discovery, OpenAPI, /version: every authenticated user may read them (system:discovery).
                if (method == HttpMethods.Get && await ServeNonResourceAsync(http, path, cancellationToken))
                {
                    return;
                }

                throw StatusObjects.PathNotFound();
            }

            // As the real server: authorised on the URL alone, before anyone looks whether the object exists.
            Authorize(attributes, serviceAccount);
            var target = ApiPath.Parse(path) ?? throw StatusObjects.PathNotFound();
            var verb = attributes.Verb;

            ApiResponses.RequireJsonAccepted(http.Request);
            switch (verb)
            {
                case "list":
                    await resources.ListAsync(http, target, cancellationToken);
                    break;
                case "watch":
                    await WatchEndpoint.ServeAsync(http, cluster.Store, target, cancellationToken);
                    break;
                case "get" when target.Subresource is null:
                    await resources.GetAsync(http, target, cancellationToken);
                    break;
                case "get" when target.Subresource == "log" && target.Type == ResourceTypes.Pods:
                    await PodLogEndpoint.ServeAsync(http, cluster, lab, target.Namespace ?? "", target.Name!, cancellationToken);
                    break;
                case "create" when target.Name is null:
                    await resources.CreateAsync(http, target, cancellationToken);
                    break;
                case "update" when target.Subresource is null:
                    await resources.UpdateAsync(http, target, cancellationToken);
                    break;
                case "patch" when target.Subresource is null:
                    await resources.PatchAsync(http, target, cancellationToken);
                    break;
                case "delete" when target.Subresource is null:
                    await resources.DeleteAsync(http, target, cancellationToken);
                    break;
                case "deletecollection":
                    await resources.DeleteCollectionAsync(http, target, cancellationToken);
                    break;
                case "create" or "update" or "patch" or "delete":
                    throw StatusObjects.MethodNotAllowed(method);
                default:
                    throw StatusObjects.PathNotFound();
            }
        }

        /// <summary>Discovery, OpenAPI and health: the paths that are not resources.</summary>
        async Task<bool> ServeNonResourceAsync(HttpContext http, string path, CancellationToken cancellationToken)
        {
            switch (path)
            {
                case "/healthz" or "/livez" or "/readyz":
                    http.Response.ContentType = "text/plain; charset=utf-8";
                    await http.Response.WriteAsync("ok", cancellationToken);
                    return true;
                case "/version":
                    await ApiResponses.WriteJsonAsync(http, 200, DiscoveryDocuments.Version(), cancellationToken);
                    return true;
                case "/api":
                    await ApiResponses.WriteJsonAsync(http, 200, DiscoveryDocuments.CoreVersions(ServerAddress), cancellationToken);
                    return true;
                case "/apis":
                    await ApiResponses.WriteJsonAsync(http, 200, DiscoveryDocuments.Groups(), cancellationToken);
                    return true;
                case "/api/v1":
                    await ApiResponses.WriteJsonAsync(http, 200, DiscoveryDocuments.Resources("", "v1")!, cancellationToken);
                    return true;
                case "/openapi/v3":
                    await ApiResponses.WriteJsonAsync(http, 200, OpenApiDocuments.Index(), cancellationToken);
                    return true;
            }

            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length is 2 or 3 && segments[0] == "apis")
            {
                var document = segments.Length == 2 ? DiscoveryDocuments.Group(segments[1]) : DiscoveryDocuments.Resources(segments[1], segments[2]);
                if (document is null)
                {
                    throw StatusObjects.PathNotFound();
                }

                await ApiResponses.WriteJsonAsync(http, 200, document, cancellationToken);
                return true;
            }

            if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
            {
                if (!OpenApiDocuments.ByPath.TryGetValue(path["/openapi/v3/".Length..], out var document))
                {
                    throw StatusObjects.PathNotFound();
                }

                var bytes = Encoding.UTF8.GetBytes(document);
                http.Response.ContentType = "application/json";
                http.Response.ContentLength = bytes.Length;
                if (http.Request.Query.ContainsKey("hash"))
                {
                    http.Response.Headers.CacheControl = "public, immutable";
                }

                http.Response.Headers.ETag = "\"" + OpenApiDocuments.Hash(document) + "\"";
                await http.Response.Body.WriteAsync(bytes, cancellationToken);
                return true;
            }

            return false;
        }

        static bool IsBearer(HttpRequest request, byte[] expected)
        {
            var given = Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString());
            return CryptographicOperations.FixedTimeEquals(given, expected);
        }

        /// <summary>
        /// The scenario's refusals first (rbac-read-only: no write verb; rbac-no-*: not even a read of the resource,
        /// its subresources included), as user lab-readonly; then, when the lab enforces Roles, RBAC's rule matching
        /// for whoever asked: the kubeconfig's user (named as the Roles' user), or the service account. Both are
        /// bound to the same Roles.
        /// </summary>
        void Authorize(RequestAttributes request, bool serviceAccount)
        {
            var scenario = lab.Scenario.Kubernetes;
            if (scenario.ReadOnly && request.IsWrite)
            {
                throw StatusObjects.Forbidden(request, ReadOnlyUser);
            }

            if (scenario.DeniedResources is { } denied && denied.Contains(request.Resource))
            {
                throw StatusObjects.Forbidden(request, ReadOnlyUser);
            }

            if (lab.Rbac.Policy is { } policy && !policy.Allows(request))
            {
                throw StatusObjects.Forbidden(request, serviceAccount ? ServiceAccountFiles.User : policy.User);
            }
        }
    }
}
