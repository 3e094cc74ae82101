using System.Net;
using System.Text;
using static XeroSync.Tests.Hostile.HostileRequests;

namespace XeroSync.Tests.Hostile;

/// <summary>
/// POST /pubsub with hostile input: every case is acknowledged (204, never a redelivery loop), recorded as poison
/// with a reason that names the problem, and no untrusted text reaches a log line raw.
/// </summary>
public sealed class PubSubHostileTests(WorkerHostFixture fixture) : IClassFixture<WorkerHostFixture>
{
    private const string Traversal = "../../etc/passwd";

    /// <summary>The attributes that make a push a reconcile preparation (the Dispatcher's PubSubFetchPublisher sets them).</summary>
    private const string Preparation = "{\"kind\":\"reconcile_preparation\"}";

    /// <summary>The attributes that make a push a tie-out request (the Dispatcher's POST /tie-out sets them).</summary>
    private const string TieOut = "{\"kind\":\"tie_out\"}";

    private static readonly Dictionary<string, HostileCase> Cases = new(StringComparer.Ordinal)
    {
        ["empty body"] = new(Push(""), "empty body", []),
        ["whitespace body"] = new(Push(" \r\n\t "), "empty body", []),
        ["not json"] = new(Push("not json"), "malformed JSON", []),
        ["json array"] = new(Push("[]"), "malformed JSON", []),
        ["json null"] = new(Push("null"), "JSON null", []),
        ["json string"] = new(Push("\"message\""), "malformed JSON", []),
        ["truncated json"] = new(Push("{\"message\":{\"data\":\"eyJ2"), "malformed JSON", []),
        ["deeply nested arrays"] = new(Push(new string('[', 5000) + new string(']', 5000)), "malformed JSON", []),
        ["deeply nested objects in message"] = new(Push("{\"message\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 201)), "malformed JSON", []),
        ["body over the 10 MiB cap"] = new(PushBytes(Encoding.UTF8.GetBytes("{\"message\":{\"data\":\"" + new string('A', 11 * 1024 * 1024) + "\"}}")), "too large", []),
        ["text/plain garbage"] = new(Push("hello=world", "text/plain"), "malformed JSON", ["hello=world"]),
        ["form-urlencoded"] = new(Push("message=%7B%7D&subscription=x", "application/x-www-form-urlencoded"), "malformed JSON", []),
        ["utf-16 body"] = new(PushBytes([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("{\"message\":{}}")]), "malformed JSON", []),
        ["invalid utf-8 in a string"] = new(PushBytes([.. "{\"message\":{\"messageId\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, .. "\",\"data\":\"e30=\"}}"u8.ToArray()]), "malformed JSON", []),
        ["no message"] = new(Push("{\"subscription\":\"projects/p/subscriptions/s\"}"), "missing 'message'", []),
        ["no messageId"] = new(Push("{\"message\":{\"data\":\"e30=\"}}"), "messageId", []),
        ["invalid base64"] = new(Push("{\"message\":{\"data\":\"!!not*base64!!\",\"messageId\":\"b64\"}}"), "not valid base64", []),
        ["base64 with a stray character"] = new(Push("{\"message\":{\"data\":\"eyJ2IjoxfQ==$\",\"messageId\":\"b64-stray\"}}"), "not valid base64", []),
        ["neither data nor attributes"] = new(Push("{\"message\":{\"messageId\":\"empty\",\"attributes\":{}}}"), "neither data nor attributes", []),
        ["data is a number"] = new(Push("{\"message\":{\"data\":12345,\"messageId\":\"n\"}}"), "malformed JSON", []),
        ["attribute value is an object"] = new(Push("{\"message\":{\"data\":\"e30=\",\"messageId\":\"a\",\"attributes\":{\"k\":{\"x\":1}}}}"), "malformed JSON", []),
        ["deliveryAttempt is garbage"] = new(Push("{\"message\":{\"data\":\"e30=\",\"messageId\":\"d\"},\"deliveryAttempt\":\"often\"}"), "malformed JSON", []),
        ["deliveryAttempt overflows int"] = new(Push("{\"message\":{\"data\":\"e30=\",\"messageId\":\"d2\"},\"deliveryAttempt\":99999999999}"), "malformed JSON", []),
        ["publishTime is garbage"] = new(Push("{\"message\":{\"data\":\"e30=\",\"messageId\":\"t\",\"publishTime\":\"yesterday\"}}"), "malformed JSON", []),
        ["data is JSON but not a FetchRequest"] = new(PushFetch("not-a-request", "{\"hello\":\"world\"}"), "not a valid FetchRequest", []),
        ["data is JSON null"] = new(PushFetch("null-request", "null"), "not a valid FetchRequest", []),
        ["data is a JSON array"] = new(PushFetch("array-request", "[1,2,3]"), "not a valid FetchRequest", []),
        ["data is binary"] = new(PushBytes(Encoding.UTF8.GetBytes("{\"message\":{\"data\":\"AAECA//+/f8=\",\"messageId\":\"binary\"}}")), "not a valid FetchRequest", []),
        ["data is a deeply nested FetchRequest"] = new(PushFetch("nested-request", "{\"run_id\":" + new string('[', 100) + new string(']', 100) + "}"), "not a valid FetchRequest", []),
        ["schema version 2"] = new(PushFetch("v2", Fetch(("v", "2"))), "schema version", []),
        ["schema version 0"] = new(PushFetch("v0", Fetch(("v", "0"))), "schema version", []),
        ["schema version as garbage"] = new(PushFetch("vx", Fetch(("v", "\"one\""))), "not a valid FetchRequest", []),
        ["missing run_id"] = new(PushFetch("no-run", Fetch(("run_id", null))), "run_id", []),
        ["run id with path traversal"] = new(PushFetch("run-traversal", Fetch(("run_id", Quote(Traversal)))), "invalid run id", [Traversal]),
        ["run id with a newline"] = new(PushFetch("run-newline", Fetch(("run_id", Quote("run1\nFORGED log line")))), "invalid run id", ["FORGED"]),
        ["run id with a NUL"] = new(PushFetch("run-nul", Fetch(("run_id", Quote("run\u0000x")))), "invalid run id", []),
        ["run id with an ANSI escape"] = new(PushFetch("run-ansi", Fetch(("run_id", Quote("run\u001b[31mred")))), "invalid run id", ["[31mred"]),
        ["run id with a unicode confusable hyphen"] = new(PushFetch("run-confusable", Fetch(("run_id", Quote("20261102T090000Z\u2010ab12")))), "invalid run id", ["\u2010"]),
        ["run id with cyrillic letters"] = new(PushFetch("run-cyrillic", Fetch(("run_id", Quote("\u0430\u0435-run")))), "invalid run id", ["\u0430\u0435"]),
        ["run id of 65 characters"] = new(PushFetch("run-long", Fetch(("run_id", Quote(new string('r', 65))))), "invalid run id", [new string('r', 65)]),
        ["run id of 100k characters"] = new(PushFetch("run-huge", Fetch(("run_id", Quote(new string('q', 100_000))))), "invalid run id", [new string('q', 65)]),
        ["empty run id"] = new(PushFetch("run-empty", Fetch(("run_id", "\"\""))), "invalid run id", []),
        ["run id is a number"] = new(PushFetch("run-number", Fetch(("run_id", "42"))), "not a valid FetchRequest", []),
        ["tenant id with a slash"] = new(PushFetch("tenant-slash", Fetch(("tenant_id", Quote("tenant/../../x")))), "invalid tenant id", ["/../"]),
        ["tenant id percent-encoded traversal"] = new(PushFetch("tenant-pct", Fetch(("tenant_id", Quote("%2e%2e%2fsecrets")))), "invalid tenant id", ["%2e%2e"]),
        ["tenant id with full-width digits"] = new(PushFetch("tenant-fullwidth", Fetch(("tenant_id", Quote("\uff11\uff12\uff13")))), "invalid tenant id", ["\uff11"]),
        ["tenant id with CRLF"] = new(PushFetch("tenant-crlf", Fetch(("tenant_id", Quote("t\r\nSet-Cookie: x")))), "invalid tenant id", ["Set-Cookie"]),
        ["unknown endpoint"] = new(PushFetch("endpoint-unknown", Fetch(("endpoint", Quote("Invoicez")))), "unknown endpoint", ["Invoicez"]),
        ["endpoint in the wrong case"] = new(PushFetch("endpoint-case", Fetch(("endpoint", Quote("invoices")))), "unknown endpoint", []),
        ["endpoint with traversal"] = new(PushFetch("endpoint-traversal", Fetch(("endpoint", Quote("../Invoices")))), "unknown endpoint", ["../Invoices"]),
        ["first page zero"] = new(PushFetch("page-zero", Fetch(("first_page", "0"), ("last_page", "0"))), "invalid page range", []),
        ["negative first page"] = new(PushFetch("page-negative", Fetch(("first_page", "-3"))), "invalid page range", []),
        ["first page after last page"] = new(PushFetch("page-inverted", Fetch(("first_page", "7"), ("last_page", "3"))), "invalid page range", []),
        ["last page beyond 99999"] = new(PushFetch("page-max", Fetch(("last_page", "100000"))), "invalid page range", []),
        ["range of 1001 pages"] = new(PushFetch("page-span", Fetch(("first_page", "1"), ("last_page", "1001"))), "invalid page range", []),
        ["page overflowing int32"] = new(PushFetch("page-overflow", Fetch(("last_page", "2147483648"))), "not a valid FetchRequest", []),
        ["page as a fraction"] = new(PushFetch("page-fraction", Fetch(("first_page", "1.5"))), "not a valid FetchRequest", []),
        ["page as garbage string"] = new(PushFetch("page-garbage", Fetch(("first_page", "\"first\""))), "not a valid FetchRequest", []),
        ["negative offset"] = new(PushFetch("offset-negative", Fetch(("endpoint", Quote("Journals")), ("offset", "-1"))), "invalid offset", []),
        ["offset overflowing int64"] = new(PushFetch("offset-overflow", Fetch(("endpoint", Quote("Journals")), ("offset", "9223372036854775808"))), "not a valid FetchRequest", []),
        ["offset as garbage string"] = new(PushFetch("offset-garbage", Fetch(("endpoint", Quote("Journals")), ("offset", "\"12abc\""))), "not a valid FetchRequest", []),
        ["modified_since garbage"] = new(PushFetch("since-garbage", Fetch(("modified_since", "\"last tuesday\""))), "not a valid FetchRequest", []),
        ["duplicated run_id, bad one first"] = new(PushFetch("dup-run", "{\"run_id\":" + Quote(Traversal) + "," + Fetch()[1..]), "not a valid FetchRequest", [Traversal]),
        ["dead-lettered copy of an invalid request"] = new(PushFetch("dead-invalid", Fetch(("run_id", Quote(Traversal))), "{\"CloudPubSubDeadLetterSourceDeliveryCount\":\"5\"}"), "invalid run id", [Traversal]),
        ["unwrapped push with a blank message id"] = new(Unwrapped(Encoding.UTF8.GetBytes(Fetch()), ("x-goog-pubsub-message-id", "   ")), "x-goog-pubsub-message-id", []),
        ["unwrapped push without data or attributes"] = new(Unwrapped([], ("x-goog-pubsub-message-id", "unwrapped-empty")), "neither data nor attributes", []),
        ["unwrapped push of garbage"] = new(Unwrapped([0xFF, 0x00, 0x7B], ("x-goog-pubsub-message-id", "unwrapped-garbage")), "not a valid FetchRequest", []),
        ["unwrapped push with a traversal tenant"] = new(Unwrapped(Encoding.UTF8.GetBytes(Fetch(("tenant_id", Quote(Traversal)))), ("x-goog-pubsub-message-id", "unwrapped-traversal")), "invalid tenant id", [Traversal]),
        ["valid request while the ledger is unreachable"] = new(PushFetch("backend-down", Fetch())) { Status = HttpStatusCode.ServiceUnavailable, Forbidden = [] },
        ["dead-lettered valid request while the ledger is unreachable"] = new(PushFetch("backend-down-dead", Fetch(), "{\"CloudPubSubDeadLetterSourceDeliveryCount\":\"5\"}")) { Status = HttpStatusCode.ServiceUnavailable, Forbidden = [] },
        ["reconcile preparation that is not JSON"] = new(PushFetch("prep-garbage", "{prep", Preparation), "not a valid ReconcilePreparation", []),
        ["reconcile preparation without a tenant"] = new(PushFetch("prep-no-tenant", "{\"v\":1,\"run_id\":" + Quote(RunId) + "}", Preparation), "not a valid ReconcilePreparation", []),
        ["reconcile preparation with a traversal run id"] = new(PushFetch("prep-run", Prep(Quote(Traversal), Quote(TenantId), "null"), Preparation), "invalid run id", [Traversal]),
        ["reconcile preparation with a newline in the tenant id"] = new(PushFetch("prep-tenant", Prep(Quote(RunId), Quote("t1\nFORGED line"), "null"), Preparation), "invalid tenant id", ["\nFORGED"]),
        ["reconcile preparation over Xero's day limit"] = new(PushFetch("prep-budget", Prep(Quote(RunId), Quote(TenantId), "5001"), Preparation), "call_budget", []),
        ["reconcile preparation of schema version 2"] = new(PushFetch("prep-v2", Prep(Quote(RunId), Quote(TenantId), "null").Replace("\"v\":1", "\"v\":2", StringComparison.Ordinal), Preparation), "schema version", []),
        ["dead-lettered copy of an invalid reconcile preparation"] = new(PushFetch("prep-dead", Prep(Quote(Traversal), Quote(TenantId), "null"), "{\"kind\":\"reconcile_preparation\",\"CloudPubSubDeadLetterSourceDeliveryCount\":\"5\"}"), "invalid run id", [Traversal]),
        ["valid reconcile preparation while the ledger is unreachable"] = new(PushFetch("prep-backend-down", Prep(Quote(RunId), Quote(TenantId), "10"), Preparation)) { Status = HttpStatusCode.ServiceUnavailable, Forbidden = [] },
        ["tie-out that is not JSON"] = new(PushFetch("tie-garbage", "{tie", TieOut), "not a valid TieOutRequest", []),
        ["tie-out with a newline in the tenant id"] = new(PushFetch("tie-tenant", Tie(Quote("t1\nFORGED line"), "[\"2026-11-30\"]"), TieOut), "invalid tenant id", ["\nFORGED"]),
        ["tie-out without dates"] = new(PushFetch("tie-no-dates", Tie(Quote(TenantId), "[]"), TieOut), "dates must name 1 to 24 dates", []),
        ["tie-out with 25 dates"] = new(PushFetch("tie-many-dates", Tie(Quote(TenantId), "[" + string.Join(',', Enumerable.Range(1, 25).Select(d => $"\"2026-01-{d:D2}\"")) + "]"), TieOut), "dates must name 1 to 24 dates", []),
        ["tie-out with a repeated date"] = new(PushFetch("tie-repeated", Tie(Quote(TenantId), "[\"2026-11-30\",\"2026-11-30\"]"), TieOut), "dates must not repeat", []),
        ["tie-out with a date that is not a date"] = new(PushFetch("tie-bad-date", Tie(Quote(TenantId), "[\"30/11/2026\"]"), TieOut), "not a valid TieOutRequest", ["30/11/2026"]),
        ["tie-out of schema version 2"] = new(PushFetch("tie-v2", Tie(Quote(TenantId), "[\"2026-11-30\"]").Replace("\"v\":1", "\"v\":2", StringComparison.Ordinal), TieOut), "schema version", []),
        ["valid tie-out while the warehouse is unreachable"] = new(PushFetch("tie-backend-down", Tie(Quote(TenantId), "[\"2026-11-30\"]"), TieOut)) { Status = HttpStatusCode.ServiceUnavailable, Forbidden = [] },
        ["dead-lettered copy of a valid tie-out"] = new(PushFetch("tie-dead", Tie(Quote(TenantId), "[\"2026-11-30\"]"), "{\"kind\":\"tie_out\",\"CloudPubSubDeadLetterSourceDeliveryCount\":\"5\"}")),
        ["unwrapped push with control characters in the message id"] = new(Unwrapped(Encoding.UTF8.GetBytes(Fetch(("v", "9"))), ("x-goog-pubsub-message-id", "id\u0007\u001b[2J")), "schema version", []),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    /// <summary>TieOutRequest JSON with these raw JSON values.</summary>
    private static string Tie(string tenantId, string dates) => $"{{\"v\":1,\"tenant_id\":{tenantId},\"dates\":{dates}}}";

    /// <summary>ReconcilePreparation JSON with these raw JSON values.</summary>
    private static string Prep(string runId, string tenantId, string callBudget) =>
        $"{{\"v\":1,\"run_id\":{runId},\"tenant_id\":{tenantId},\"call_budget\":{callBudget}}}";


    [Theory(Timeout = 30_000)]
    [MemberData(nameof(CaseNames))]
    public async Task Hostile_push_is_acknowledged_and_recorded_as_poison(string name) =>
        await fixture.AssertHandledAsync(Cases[name], "pubsub", TestContext.Current.CancellationToken);

    [Fact(Timeout = 30_000)]
    public async Task The_poison_record_of_an_undecodable_push_holds_its_exact_bytes()
    {
        byte[] body = [.. "{\"message\":"u8.ToArray(), 0x01, 0xFF, .. "oops"u8.ToArray()];
        using var request = PushBytes(body)();

        using var record = await fixture.SendPoisonAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(body, record.RootElement.GetProperty("body_base64").GetBytesFromBase64());
        Assert.Contains("malformed JSON", record.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Two_different_malformed_pushes_without_a_message_id_get_two_records()
    {
        using var first = await fixture.SendPoisonAsync(Push("{\"message\":1}")(), TestContext.Current.CancellationToken);
        using var second = await fixture.SendPoisonAsync(Push("{\"message\":2}")(), TestContext.Current.CancellationToken);

        Assert.NotEqual(first.RootElement.GetProperty("body_base64").GetString(), second.RootElement.GetProperty("body_base64").GetString());
    }

    [Fact(Timeout = 5_000)]
    public void There_are_at_least_forty_distinct_push_cases() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");
}
