using System.Text;
using System.Text.Json;

namespace XeroSync.Tests.Hostile;

/// <summary>Builders for hostile push and CloudEvent requests.</summary>
internal static class HostileRequests
{
    public const string RunId = "20261102T090000Z-ab12";
    public const string TenantId = "3b0d6f8e-1a2b-4c3d-9e8f-0a1b2c3d4e5f";

    /// <summary>A valid FetchRequest's fields as raw JSON fragments; a case overrides or removes some.</summary>
    private static readonly (string Key, string Json)[] ValidFetch =
    [
        ("v", "1"),
        ("run_id", Quote(RunId)),
        ("tenant_id", Quote(TenantId)),
        ("endpoint", Quote("Invoices")),
        ("first_page", "1"),
        ("last_page", "1"),
        ("page_size", "100"),
        ("discover", "true"),
    ];

    /// <summary>A JSON string literal (escaped as System.Text.Json writes it).</summary>
    public static string Quote(string value) => JsonSerializer.Serialize(value);

    /// <summary>FetchRequest JSON: the valid fields with <paramref name="overrides"/> (raw JSON; null removes the field).</summary>
    public static string Fetch(params (string Key, string? Json)[] overrides)
    {
        var fields = ValidFetch.Select(f => (f.Key, Json: (string?)f.Json)).ToList();
        foreach (var (key, json) in overrides)
        {
            var index = fields.FindIndex(f => f.Key == key);
            if (index >= 0)
            {
                fields[index] = (key, json);
            }
            else
            {
                fields.Add((key, json));
            }
        }

        return "{" + string.Join(",", fields.Where(f => f.Json is not null).Select(f => $"\"{f.Key}\":{f.Json}")) + "}";
    }

    /// <summary>A wrapped push envelope whose data is <paramref name="data"/> (base64 of UTF-8).</summary>
    public static string Envelope(string data, string messageId, string? attributes = null) =>
        $$"""{"message":{"data":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(data))}}","messageId":{{Quote(messageId)}},"publishTime":"2026-11-02T09:00:00Z"{{(attributes is null ? "" : ",\"attributes\":" + attributes)}}},"subscription":"projects/test-project/subscriptions/fetch"}""";

    public static Func<HttpRequestMessage> Push(string body, string contentType = "application/json") =>
        () => Post("/pubsub", Encoding.UTF8.GetBytes(body), contentType);

    public static Func<HttpRequestMessage> PushBytes(byte[] body, string? contentType = "application/json") =>
        () => Post("/pubsub", body, contentType);

    /// <summary>A wrapped push of <paramref name="fetchJson"/> (message id: the case name).</summary>
    public static Func<HttpRequestMessage> PushFetch(string messageId, string fetchJson, string? attributes = null) =>
        Push(Envelope(fetchJson, messageId, attributes));

    /// <summary>An unwrapped (noWrapper, writeMetadata) push: body = data, metadata in headers.</summary>
    public static Func<HttpRequestMessage> Unwrapped(byte[] body, params (string Name, string Value)[] headers) =>
        () =>
        {
            var request = Post("/pubsub", body, "application/octet-stream");
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            return request;
        };

    /// <summary>A structured-mode CloudEvent.</summary>
    public static Func<HttpRequestMessage> Structured(string body, string contentType = "application/cloudevents+json") =>
        () => Post("/events", Encoding.UTF8.GetBytes(body), contentType);

    /// <summary>A structured storage-finalized event around <paramref name="data"/> (raw JSON).</summary>
    public static Func<HttpRequestMessage> StructuredStorage(string id, string data) =>
        Structured($$"""{"specversion":"1.0","id":{{Quote(id)}},"source":"//storage.googleapis.com/projects/_/buckets/{{WorkerHostFixture.Bucket}}","type":"google.cloud.storage.object.v1.finalized","time":"2026-11-02T09:00:00Z","datacontenttype":"application/json","data":{{data}}}""");

    /// <summary>A structured messagePublished event around <paramref name="data"/> (raw JSON).</summary>
    public static Func<HttpRequestMessage> StructuredPubSub(string id, string data) =>
        Structured($$"""{"specversion":"1.0","id":{{Quote(id)}},"source":"//pubsub.googleapis.com/projects/test-project/topics/fetch","type":"google.cloud.pubsub.topic.v1.messagePublished","datacontenttype":"application/json","data":{{data}}}""");

    /// <summary>
    /// A binary-mode CloudEvent: the ce-* headers of a storage finalize with <paramref name="headers"/> applied
    /// (a null value removes the header; a name ending in '+' adds a second value).
    /// </summary>
    public static Func<HttpRequestMessage> Binary(string body, string? contentType, params (string Name, string? Value)[] headers) =>
        () =>
        {
            var request = Post("/events", Encoding.UTF8.GetBytes(body), contentType);
            var all = new List<(string Name, string? Value)>
            {
                ("ce-id", "binary-1"),
                ("ce-source", $"//storage.googleapis.com/projects/_/buckets/{WorkerHostFixture.Bucket}"),
                ("ce-specversion", "1.0"),
                ("ce-type", "google.cloud.storage.object.v1.finalized"),
            };
            foreach (var (name, value) in headers)
            {
                if (name.EndsWith('+'))
                {
                    all.Add((name[..^1], value));
                    continue;
                }

                all.RemoveAll(h => h.Name == name);
                if (value is not null)
                {
                    all.Add((name, value));
                }
            }

            foreach (var (name, value) in all)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            return request;
        };

    /// <summary>Storage object data (raw JSON) for <paramref name="nameJson"/> (raw JSON, usually a quoted string).</summary>
    public static string StorageData(string nameJson, string generation = "\"1712345678901234\"", string size = "\"512\"") =>
        $$"""{"bucket":"{{WorkerHostFixture.Bucket}}","name":{{nameJson}},"generation":{{generation}},"metageneration":"1","size":{{size}},"contentType":"application/json"}""";

    private static HttpRequestMessage Post(string path, byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }
}
