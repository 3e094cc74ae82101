using System.Net;
using System.Text;
using static XeroSync.Tests.Hostile.HostileRequests;

namespace XeroSync.Tests.Hostile;

/// <summary>
/// POST /events (Eventarc CloudEvents, binary and structured) with hostile input: acknowledged (204), recorded as
/// poison with a reason naming the problem, or ignored when it is simply not an object of ours; logs stay clean.
/// </summary>
public sealed class EventsHostileTests(WorkerHostFixture fixture) : IClassFixture<WorkerHostFixture>
{
    private const string Traversal = "xero/../../secrets/_manifest.json";
    private const string PageObject = "xero/invoices/tenant=t/run=r/page-00001.ndjson.gz";

    private static readonly Dictionary<string, HostileCase> Cases = new(StringComparer.Ordinal)
    {
        // Structured mode: the envelope.
        ["structured: empty body"] = new(Structured(""), "empty body", []),
        ["structured: not json"] = new(Structured("{not json"), "invalid CloudEvent", []),
        ["structured: json array"] = new(Structured("[{\"specversion\":\"1.0\"}]"), "invalid CloudEvent", []),
        ["structured: deeply nested data"] = new(Structured("{\"specversion\":\"1.0\",\"id\":\"deep\",\"source\":\"s\",\"type\":\"t\",\"data\":" + new string('[', 3000) + new string(']', 3000) + "}"), "invalid CloudEvent", []),
        ["structured: body over the 10 MiB cap"] = new(Structured("{\"specversion\":\"1.0\",\"id\":\"big\",\"source\":\"s\",\"type\":\"t\",\"data\":\"" + new string('x', 11 * 1024 * 1024) + "\"}"), "too large", []),
        ["structured: batch content type"] = new(Structured("[]", "application/cloudevents-batch+json"), "batch mode", []),
        ["structured: missing id"] = new(Structured("{\"specversion\":\"1.0\",\"source\":\"s\",\"type\":\"google.cloud.storage.object.v1.finalized\"}"), "invalid CloudEvent", []),
        ["structured: missing source"] = new(Structured("{\"specversion\":\"1.0\",\"id\":\"no-source\",\"type\":\"google.cloud.storage.object.v1.finalized\"}"), "invalid CloudEvent", []),
        ["structured: missing type"] = new(Structured("{\"specversion\":\"1.0\",\"id\":\"no-type\",\"source\":\"s\"}"), "invalid CloudEvent", []),
        ["structured: missing specversion"] = new(Structured("{\"id\":\"no-version\",\"source\":\"s\",\"type\":\"t\"}"), "invalid CloudEvent", []),
        ["structured: specversion 0.3"] = new(Structured("{\"specversion\":\"0.3\",\"id\":\"v03\",\"source\":\"s\",\"type\":\"t\"}"), "invalid CloudEvent", []),
        ["structured: specversion is a number"] = new(Structured("{\"specversion\":1.0,\"id\":\"vnum\",\"source\":\"s\",\"type\":\"t\"}"), "invalid CloudEvent", []),
        ["structured: time is garbage"] = new(Structured("{\"specversion\":\"1.0\",\"id\":\"bad-time\",\"source\":\"s\",\"type\":\"t\",\"time\":\"yesterday\"}"), "invalid CloudEvent", []),
        ["structured: unknown event type"] = new(Structured("{\"specversion\":\"1.0\",\"id\":\"evil\",\"source\":\"s\",\"type\":\"com.example.evil\"}"), "unsupported CloudEvent type", []),
        ["structured: newline in the event type"] = new(Structured("{\"specversion\":\"1.0\",\"id\":\"evil-newline\",\"source\":\"s\",\"type\":\"com.example.evil\\nFORGED\"}"), "control character", ["\nFORGED"]),

        // Structured storage events: the data.
        ["storage: no data"] = new(Structured("{\"specversion\":\"1.0\",\"id\":\"no-data\",\"source\":\"s\",\"type\":\"google.cloud.storage.object.v1.finalized\"}"), "no StorageObjectData", []),
        ["storage: data without name"] = new(StructuredStorage("no-name", "{\"bucket\":\"b\"}"), "lacks bucket or name", []),
        ["storage: data is a string"] = new(StructuredStorage("data-string", "\"xero/a/_manifest.json\""), "not a valid StorageObjectData", []),
        ["storage: manifest name with '..'"] = new(StructuredStorage("dotdot", StorageData(Quote(Traversal))), "not a safe object name", [Traversal]),
        ["storage: manifest name with a newline"] = new(StructuredStorage("newline-name", StorageData(Quote("xero/invoices/tenant=t/run=r\nFORGED/_manifest.json"))), "not a safe object name", ["\nFORGED"]),
        ["storage: manifest name with a backslash"] = new(StructuredStorage("backslash-name", StorageData(Quote("xero/invoices\\..\\x/_manifest.json"))), "not a safe object name", []),
        ["storage: manifest name with an empty segment"] = new(StructuredStorage("empty-segment", StorageData(Quote("xero//_manifest.json"))), "not a safe object name", []),
        ["storage: absolute manifest name"] = new(StructuredStorage("absolute-name", StorageData(Quote("/xero/invoices/_manifest.json"))), null, []),
        ["storage: manifest that does not exist"] = new(StructuredStorage("missing-manifest", StorageData(Quote("xero/invoices/tenant=t/run=r/_manifest.json"))), "does not exist", []),
        ["storage: size is garbage"] = new(StructuredStorage("size-garbage", StorageData(Quote("xero/a/_manifest.json"), size: "\"big\"")), "not a valid StorageObjectData", []),
        ["storage: generation overflows int64"] = new(StructuredStorage("gen-overflow", StorageData(Quote("xero/a/_manifest.json"), generation: "\"99999999999999999999\"")), "not a valid StorageObjectData", []),
        ["storage: generation is a fraction"] = new(StructuredStorage("gen-fraction", StorageData(Quote("xero/a/_manifest.json"), generation: "1.5")), "not a valid StorageObjectData", []),
        ["storage: int64 fields as strings, object outside the prefix"] = new(StructuredStorage("outside", StorageData(Quote("poison/2026-11-02/abc.json"), generation: "\"1712345678901234\"", size: "\"9007199254740993\""))),
        ["storage: int64 fields as numbers, a page object"] = new(StructuredStorage("page-object", StorageData(Quote(PageObject), generation: "1712345678901234", size: "512"))),
        ["storage: name that only looks like a manifest"] = new(StructuredStorage("lookalike", StorageData(Quote("other/_manifest.json")))),

        // Structured messagePublished events.
        ["pubsub event: data lacks message"] = new(StructuredPubSub("no-message", "{\"subscription\":\"s\"}"), "lacks 'message'", []),
        ["pubsub event: invalid base64"] = new(StructuredPubSub("bad-b64", "{\"message\":{\"data\":\"***\",\"messageId\":\"m\"}}"), "not valid base64", []),
        ["pubsub event: FetchRequest with a traversal tenant"] = new(StructuredPubSub("traversal-tenant", "{\"message\":{\"data\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(Fetch(("tenant_id", Quote("../../t"))))) + "\",\"messageId\":\"m-t\"}}"), "invalid tenant id", ["../../t"]) { Source = "pubsub" },
        ["pubsub event: FetchRequest of schema version 7"] = new(StructuredPubSub("v7", "{\"message\":{\"data\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(Fetch(("v", "7")))) + "\"}}"), "schema version", []) { Source = "pubsub" },

        // Binary mode.
        ["binary: no ce-specversion"] = new(Binary(StorageData(Quote(PageObject)), "application/json", ("ce-specversion", null)), "not a CloudEvent", []),
        ["binary: unknown specversion"] = new(Binary(StorageData(Quote(PageObject)), "application/json", ("ce-specversion", "9.9")), "unknown CloudEvents specversion", []),
        ["binary: specversion with control characters"] = new(Binary(StorageData(Quote(PageObject)), "application/json", ("ce-specversion", "1.0\u0007\u001b[2J")), "unknown CloudEvents specversion", []),
        ["binary: missing ce-id"] = new(Binary(StorageData(Quote(PageObject)), "application/json", ("ce-id", null)), "invalid CloudEvent", []),
        ["binary: missing ce-source"] = new(Binary(StorageData(Quote(PageObject)), "application/json", ("ce-source", null)), "invalid CloudEvent", []),
        ["binary: missing ce-type"] = new(Binary(StorageData(Quote(PageObject)), "application/json", ("ce-type", null)), "invalid CloudEvent", []),
        ["binary: ce-time is garbage"] = new(Binary(StorageData(Quote(PageObject)), "application/json", ("ce-time", "not%0Aa time")), "invalid CloudEvent", []),
        ["binary: percent-encoded newline in ce-type"] = new(Binary(StorageData(Quote(PageObject)), "application/json", ("ce-type", "evil%0AFORGED")), "control character", ["\nFORGED"]),
        ["binary: duplicated ce-type"] = new(Binary(StorageData(Quote(PageObject)), "application/json", ("ce-type+", "google.cloud.storage.object.v1.finalized")), "unsupported CloudEvent type", []),
        ["binary: malformed JSON data"] = new(Binary("{\"bucket\":", "application/json"), "invalid CloudEvent", []),
        ["binary: JSON data sent as text/plain"] = new(Binary(StorageData(Quote("xero/./tenant=t/_manifest.json")), "text/plain"), "not a safe object name", []),
        ["binary: empty body"] = new(Binary("", "application/json"), "no StorageObjectData", []),
        ["binary: manifest name with '..'"] = new(Binary(StorageData(Quote(Traversal)), "application/json"), "not a safe object name", [Traversal]),
        ["binary: body over the 10 MiB cap"] = new(Binary(new string(' ', 10 * 1024 * 1024 + 1), "application/json"), "too large", []),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(CaseNames))]
    public async Task Hostile_event_is_acknowledged_and_recorded_as_poison_or_ignored(string name) =>
        await fixture.AssertHandledAsync(Cases[name], "events", TestContext.Current.CancellationToken);

    [Fact(Timeout = 30_000)]
    public async Task The_poison_record_of_an_unreadable_event_holds_its_exact_bytes()
    {
        const string body = "{\"specversion\":\"1.0\",\"id\":\"exact\",\"source\":\"s\",\"type\":\"com.example.exact\"}";

        using var record = await fixture.SendPoisonAsync(Structured(body)(), TestContext.Current.CancellationToken);

        Assert.Equal(body, Encoding.UTF8.GetString(record.RootElement.GetProperty("body_base64").GetBytesFromBase64()));
        Assert.Equal("exact", record.RootElement.GetProperty("message_id").GetString());
    }

    [Fact(Timeout = 5_000)]
    public void There_are_at_least_forty_distinct_event_cases() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");
}
