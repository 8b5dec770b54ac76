using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// GET ...?watch=true: a stream of {"type":..,"object":..} lines, starting after the resourceVersion the
    /// client listed at (or with the current objects as ADDED), honouring selectors, timeoutSeconds, bookmarks
    /// and sendInitialEvents. `kubectl rollout status` is a list then this watch on one deployment.
    /// </summary>
    internal static class WatchEndpoint
    {
        static readonly TimeSpan BookmarkInterval = TimeSpan.FromSeconds(30);

        public static async Task ServeAsync(HttpContext http, ObjectStore store, ApiPath path, CancellationToken cancellationToken)
        {
            var query = http.Request.Query;
            var labels = LabelSelector.Parse(query["labelSelector"].ToString());
            var fields = FieldSelector.Parse(query["fieldSelector"].ToString(), path.Type);
            var bookmarks = query["allowWatchBookmarks"].ToString() == "true";
            var initialEvents = query["sendInitialEvents"].ToString() == "true";
            var table = ApiResponses.WantsTable(http.Request);
            var timeout = int.TryParse(query["timeoutSeconds"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.FromMinutes(30);

            using var subscription = store.Subscribe(path.Type, path.Namespace, initialEvents ? "" : query["resourceVersion"].ToString());
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);

            http.Response.StatusCode = 200;
            http.Response.ContentType = "application/json";
            var body = http.Response.Body;

            // Headers go out now: client-go waits for them before it reads any event (and before it can stop).
            await http.Response.StartAsync(cancellationToken);
            await body.FlushAsync(cancellationToken);
            var initialPending = initialEvents;
            try
            {
                while (!deadline.IsCancellationRequested)
                {
                    if (initialPending && !subscription.Changes.TryPeek(out _))
                    {
                        // The end of the initial state, for clients that asked for it (WatchList).
                        initialPending = false;
                        await WriteAsync(body, Bookmark(path.Type, store.Revision, true), deadline.Token);
                        continue;
                    }

                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                    wait.CancelAfter(BookmarkInterval);
                    WatchEvent change;
                    try
                    {
                        change = await subscription.Changes.ReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                    {
                        if (bookmarks)
                        {
                            await WriteAsync(body, Bookmark(path.Type, store.Revision, false), deadline.Token);
                        }

                        continue;
                    }

                    var item = change.ParseObject();
                    if (!labels.Matches(item["metadata"]?["labels"] as JsonObject) || !fields.Matches(item))
                    {
                        continue;
                    }

                    JsonNode shown = table
                        ? TablePrinter.Table(path.Type, new[] { item }, change.ResourceVersion, query["includeObject"].ToString(), DateTimeOffset.UtcNow)
                        : item;
                    await WriteAsync(body, new JsonObject { ["type"] = change.Type, ["object"] = shown }, deadline.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // Timed out or the client left: either way the watch ends here, as the server's does.
            }
        }

        static JsonObject Bookmark(ResourceType type, long revision, bool initialEventsEnd)
        {
            var metadata = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) };
            if (initialEventsEnd)
            {
                metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
            }

            return new JsonObject
            {
                ["type"] = "BOOKMARK",
                ["object"] = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = metadata },
            };
        }

        static async Task WriteAsync(Stream body, JsonObject change, CancellationToken cancellationToken)
        {
            var bytes = Encoding.UTF8.GetBytes(ApiResponses.Serialize(change) + "\n");
            await body.WriteAsync(bytes, cancellationToken);
            await body.FlushAsync(cancellationToken);
        }
    }
}
