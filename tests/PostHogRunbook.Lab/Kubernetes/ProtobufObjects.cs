using System.Text;
using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// Request bodies in application/vnd.kubernetes.protobuf, which kubectl's typed clients send for built-in
    /// kinds (`kubectl create configmap`, `kubectl create secret generic`): the "k8s\0" envelope around a
    /// runtime.Unknown (typeMeta, raw), and raw decoded as a v1 ConfigMap or Secret with its ObjectMeta, by the
    /// field numbers of k8s.io/api's generated.proto. Fields the server sets itself (uid, creationTimestamp,
    /// managedFields...) are skipped. The lab still answers in JSON, which every client accepts.
    /// </summary>
    internal static class ProtobufObjects
    {
        public const string MediaType = "application/vnd.kubernetes.protobuf";

        static readonly byte[] Magic = { (byte)'k', (byte)'8', (byte)'s', 0 };

        public static bool CanDecode(ResourceType type) => type == ResourceTypes.ConfigMaps || type == ResourceTypes.Secrets;

        public static JsonObject Decode(ResourceType type, ReadOnlySpan<byte> body)
        {
            if (body.Length < Magic.Length || !body[..Magic.Length].SequenceEqual(Magic))
            {
                throw StatusObjects.BadRequest("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
            }

            string? apiVersion = null;
            string? kind = null;
            ReadOnlySpan<byte> raw = default;
            var unknown = new Reader(body[Magic.Length..]);
            while (unknown.Next(out var field, out var value))
            {
                switch (field)
                {
                    case 1:
                        var typeMeta = new Reader(value.Bytes);
                        while (typeMeta.Next(out var typeField, out var typeValue))
                        {
                            if (typeField == 1)
                            {
                                apiVersion = typeValue.Text;
                            }
                            else if (typeField == 2)
                            {
                                kind = typeValue.Text;
                            }
                        }

                        break;
                    case 2:
                        raw = value.Bytes;
                        break;
                }
            }

            if (kind != type.Kind || apiVersion != type.ApiVersion)
            {
                throw StatusObjects.BadRequest($"the body of the request is a {apiVersion}/{kind}, not a {type.ApiVersion}/{type.Kind}");
            }

            var item = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
            var reader = new Reader(raw);
            var secret = type == ResourceTypes.Secrets;
            while (reader.Next(out var field, out var value))
            {
                switch (field)
                {
                    case 1:
                        item["metadata"] = ObjectMeta(value.Bytes);
                        break;
                    case 2:
                        AddEntry(item, "data", value.Bytes, base64: secret);
                        break;
                    case 3 when secret:
                        item["type"] = value.Text;
                        break;
                    case 3:
                        AddEntry(item, "binaryData", value.Bytes, base64: true);
                        break;
                    case 4 when secret:
                        AddEntry(item, "stringData", value.Bytes, base64: false);
                        break;
                    case 4:
                    case 5 when secret:
                        item["immutable"] = value.Number != 0;
                        break;
                }
            }

            return item;
        }

        static JsonObject ObjectMeta(ReadOnlySpan<byte> bytes)
        {
            var metadata = new JsonObject();
            var reader = new Reader(bytes);
            while (reader.Next(out var field, out var value))
            {
                // Go writes its empty strings too: an empty name, namespace or resourceVersion means none.
                if (field is 1 or 2 or 3 or 6 && value.Bytes.IsEmpty)
                {
                    continue;
                }

                switch (field)
                {
                    case 1:
                        metadata["name"] = value.Text;
                        break;
                    case 2:
                        metadata["generateName"] = value.Text;
                        break;
                    case 3:
                        metadata["namespace"] = value.Text;
                        break;
                    case 6:
                        metadata["resourceVersion"] = value.Text;
                        break;
                    case 11:
                        AddEntry(metadata, "labels", value.Bytes, base64: false);
                        break;
                    case 12:
                        AddEntry(metadata, "annotations", value.Bytes, base64: false);
                        break;
                    case 14:
                        if (metadata["finalizers"] is not JsonArray finalizers)
                        {
                            finalizers = new JsonArray();
                            metadata["finalizers"] = finalizers;
                        }

                        finalizers.Add(value.Text);
                        break;
                }
            }

            return metadata;
        }

        /// <summary>One entry of a protobuf map: a message with the key as field 1 and the value as field 2.</summary>
        static void AddEntry(JsonObject target, string property, ReadOnlySpan<byte> entry, bool base64)
        {
            if (target[property] is not JsonObject map)
            {
                map = new JsonObject();
                target[property] = map;
            }

            var key = "";
            var value = "";
            var reader = new Reader(entry);
            while (reader.Next(out var field, out var part))
            {
                if (field == 1)
                {
                    key = part.Text;
                }
                else if (field == 2)
                {
                    value = base64 ? Convert.ToBase64String(part.Bytes) : part.Text;
                }
            }

            map[key] = value;
        }

        /// <summary>One field's value: a varint, or the bytes of a length-delimited field.</summary>
        readonly ref struct FieldValue
        {
            public FieldValue(ulong number, ReadOnlySpan<byte> bytes)
            {
                Number = number;
                Bytes = bytes;
            }

            public ulong Number { get; }

            public ReadOnlySpan<byte> Bytes { get; }

            public string Text => Encoding.UTF8.GetString(Bytes);
        }

        /// <summary>The protobuf wire format, as far as these messages use it: varints, length-delimited fields, fixed 32/64 skipped.</summary>
        ref struct Reader
        {
            readonly ReadOnlySpan<byte> data;
            int position;

            public Reader(ReadOnlySpan<byte> data)
            {
                this.data = data;
                position = 0;
            }

            public bool Next(out int field, out FieldValue value)
            {
                value = default;
                field = 0;
                if (position >= data.Length)
                {
                    return false;
                }

                var tag = Varint();
                field = (int)(tag >> 3);
                switch (tag & 7)
                {
                    case 0:
                        value = new FieldValue(Varint(), default);
                        return true;
                    case 1:
                        Skip(8);
                        return true;
                    case 2:
                        var length = (int)Varint();
                        if (length < 0 || position + length > data.Length)
                        {
                            throw Malformed();
                        }

                        value = new FieldValue(0, data.Slice(position, length));
                        position += length;
                        return true;
                    case 5:
                        Skip(4);
                        return true;
                    default:
                        throw Malformed();
                }
            }

            ulong Varint()
            {
                ulong result = 0;
                for (var shift = 0; shift < 64; shift += 7)
                {
                    if (position >= data.Length)
                    {
                        throw Malformed();
                    }

                    var b = data[position++];
                    result |= (ulong)(b & 0x7F) << shift;
                    if ((b & 0x80) == 0)
                    {
                        return result;
                    }
                }

                throw Malformed();
            }

            void Skip(int count)
            {
                if (position + count > data.Length)
                {
                    throw Malformed();
                }

                position += count;
            }

            static KubernetesStatusException Malformed() => StatusObjects.BadRequest("unable to decode the protobuf body: unexpected end of message or a bad wire type");
        }
    }
}
