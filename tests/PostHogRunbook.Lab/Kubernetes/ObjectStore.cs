using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// One change to one object, as a watch sees it. The object is kept as its JSON text: the history holds
    /// thousands of these, and text is a tenth of the size of a node tree.
    /// </summary>
    internal sealed record WatchEvent(string Type, ResourceType Resource, long ResourceVersion, string Namespace, string ObjectJson)
    {
        public static WatchEvent Of(string type, ResourceType resource, long resourceVersion, JsonObject item) =>
            new(type, resource, resourceVersion, item["metadata"]?["namespace"]?.GetValue<string>() ?? "", item.ToJsonString());

        public JsonObject ParseObject() => (JsonObject)JsonNode.Parse(ObjectJson)!;
    }

    /// <summary>
    /// The lab's etcd: every object as JSON, one resourceVersion counter for the whole cluster (bumped on every
    /// write that changes something, like the real one), and a bounded history of changes so that a watch can start
    /// from the resourceVersion of the list it follows. Callers get copies; nothing outside mutates what is stored.
    /// </summary>
    internal sealed class ObjectStore
    {
        const int HistoryLimit = 10_000;

        readonly Lock gate = new();
        readonly Dictionary<(string Resource, string Namespace, string Name), JsonObject> objects = new();
        readonly Queue<WatchEvent> history = new();
        readonly List<Subscription> subscriptions = new();
        long revision = 1000;
        long oldestRetained = 1000;

        public long Revision
        {
            get
            {
                lock (gate)
                {
                    return revision;
                }
            }
        }

        public JsonObject? Get(ResourceType type, string ns, string name)
        {
            lock (gate)
            {
                return objects.TryGetValue(Key(type, ns, name), out var found) ? (JsonObject)found.DeepClone() : null;
            }
        }

        public bool Exists(ResourceType type, string ns, string name)
        {
            lock (gate)
            {
                return objects.ContainsKey(Key(type, ns, name));
            }
        }

        /// <summary>Every object of a type, in one namespace or all (ns null), ordered like etcd keys.</summary>
        public (List<JsonObject> Items, long Revision) List(ResourceType type, string? ns)
        {
            lock (gate)
            {
                var items = objects
                    .Where(e => e.Key.Resource == type.Plural && (ns is null || e.Key.Namespace == ns))
                    .OrderBy(e => e.Key.Namespace, StringComparer.Ordinal)
                    .ThenBy(e => e.Key.Name, StringComparer.Ordinal)
                    .Select(e => (JsonObject)e.Value.DeepClone())
                    .ToList();
                return (items, revision);
            }
        }

        public JsonObject Create(ResourceType type, JsonObject item)
        {
            lock (gate)
            {
                var (ns, name) = Identity(type, item);
                if (objects.ContainsKey(Key(type, ns, name)))
                {
                    throw StatusObjects.AlreadyExists(type, name);
                }

                var metadata = (JsonObject)item["metadata"]!;
                metadata["uid"] ??= Guid.NewGuid().ToString();
                metadata["creationTimestamp"] ??= KubeTime.Format(DateTimeOffset.UtcNow);
                return Write(type, ns, name, item, "ADDED");
            }
        }

        /// <summary>
        /// Read-modify-write under the store's lock: change gets a copy of the stored object and returns the new
        /// one (or throws a Status). A change that changes nothing writes nothing and keeps the resourceVersion.
        /// </summary>
        public JsonObject Update(ResourceType type, string ns, string name, Func<JsonObject, JsonObject> change)
        {
            lock (gate)
            {
                if (!objects.TryGetValue(Key(type, ns, name), out var current))
                {
                    throw StatusObjects.NotFound(type, name);
                }

                var updated = change((JsonObject)current.DeepClone());
                updated["metadata"]!["resourceVersion"] = current["metadata"]!["resourceVersion"]!.DeepClone();
                if (JsonNode.DeepEquals(updated, current))
                {
                    return updated;
                }

                return Write(type, ns, name, updated, "MODIFIED");
            }
        }

        public JsonObject Delete(ResourceType type, string ns, string name)
        {
            lock (gate)
            {
                if (!objects.Remove(Key(type, ns, name), out var removed))
                {
                    throw StatusObjects.NotFound(type, name);
                }

                revision++;
                removed["metadata"]!["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);
                Publish(WatchEvent.Of("DELETED", type, revision, removed));
                return removed;
            }
        }

        /// <summary>
        /// Starts a watch. From "" or "0" the watcher first gets the current objects as ADDED (synthetic), from a
        /// later resourceVersion it gets the changes it missed, then everything that follows.
        /// </summary>
        public Subscription Subscribe(ResourceType type, string? ns, string? fromResourceVersion)
        {
            lock (gate)
            {
                var subscription = new Subscription(this, type, ns);
                if (string.IsNullOrEmpty(fromResourceVersion) || fromResourceVersion == "0")
                {
                    foreach (var item in List(type, ns).Items)
                    {
                        subscription.Offer(WatchEvent.Of("ADDED", type, revision, item));
                    }
                }
                else
                {
                    if (!long.TryParse(fromResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                    {
                        throw StatusObjects.BadRequest($"invalid resource version: {fromResourceVersion}");
                    }

                    if (from < oldestRetained)
                    {
                        throw StatusObjects.Gone($"too old resource version: {from} ({revision})");
                    }

                    foreach (var change in history.Where(h => h.ResourceVersion > from))
                    {
                        subscription.Offer(change);
                    }
                }

                subscriptions.Add(subscription);
                return subscription;
            }
        }

        JsonObject Write(ResourceType type, string ns, string name, JsonObject item, string eventType)
        {
            revision++;
            item["metadata"]!["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);

            // Stored as parsed JSON, as if read from etcd: numbers read back as any numeric type
            // (a JsonValue made from an int in code refuses GetValue<long>).
            var stored = (JsonObject)JsonNode.Parse(item.ToJsonString())!;
            objects[Key(type, ns, name)] = stored;
            Publish(WatchEvent.Of(eventType, type, revision, stored));
            return (JsonObject)stored.DeepClone();
        }

        void Publish(WatchEvent change)
        {
            history.Enqueue(change);
            while (history.Count > HistoryLimit)
            {
                oldestRetained = history.Dequeue().ResourceVersion;
            }

            foreach (var subscription in subscriptions)
            {
                subscription.Offer(change);
            }
        }

        void Unsubscribe(Subscription subscription)
        {
            lock (gate)
            {
                subscriptions.Remove(subscription);
            }
        }

        static (string Ns, string Name) Identity(ResourceType type, JsonObject item)
        {
            var metadata = item["metadata"] as JsonObject ?? throw StatusObjects.BadRequest("metadata is required");
            var name = metadata["name"]?.GetValue<string>() ?? "";
            var ns = type.Namespaced ? metadata["namespace"]?.GetValue<string>() ?? "" : "";
            return (ns, name);
        }

        static (string, string, string) Key(ResourceType type, string ns, string name) =>
            (type.Plural, type.Namespaced ? ns : "", name);

        /// <summary>One open watch: changes to one type (in one namespace, or all) queue here until the stream writes them.</summary>
        internal sealed class Subscription : IDisposable
        {
            readonly ObjectStore store;
            readonly ResourceType type;
            readonly string? ns;
            readonly Channel<WatchEvent> changes = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });

            public Subscription(ObjectStore store, ResourceType type, string? ns)
            {
                this.store = store;
                this.type = type;
                this.ns = ns;
            }

            public ChannelReader<WatchEvent> Changes => changes.Reader;

            internal void Offer(WatchEvent change)
            {
                if (change.Resource != type)
                {
                    return;
                }

                if (ns is not null && change.Namespace != ns)
                {
                    return;
                }

                changes.Writer.TryWrite(change);
            }

            public void Dispose()
            {
                store.Unsubscribe(this);
                changes.Writer.TryComplete();
            }
        }
    }
}
