using System.Net;
using System.Text;
using System.Text.Json;

namespace XeroSync.Tests.Routes;

/// <summary>
/// POST /run and POST /runs/{id}/retry with hostile input: a 4xx problem answer that names the problem, decided
/// before any call to Xero or the ledger's writes, never a 500, and no untrusted text raw in a log line.
/// </summary>
public sealed class DispatcherHostileTests(DispatcherHostFixture fixture) : IClassFixture<DispatcherHostFixture>
{
    private const string Traversal = "../../etc/passwd";

    /// <summary>(body, content type, status, a fragment the problem detail must hold, strings never logged).</summary>
    private static readonly Dictionary<string, (Func<HttpContent> Body, HttpStatusCode Status, string Detail, string[] Forbidden)> RunCases = new(StringComparer.Ordinal)
    {
        ["not json"] = (Text("{tenants"), HttpStatusCode.BadRequest, "JSON object", []),
        ["json array"] = (Text("[]"), HttpStatusCode.BadRequest, "JSON object", []),
        ["json string"] = (Text("\"run\""), HttpStatusCode.BadRequest, "JSON object", []),
        ["json number"] = (Text("42"), HttpStatusCode.BadRequest, "JSON object", []),
        ["trailing garbage"] = (Text("{} {}"), HttpStatusCode.BadRequest, "JSON object", []),
        ["tenants is a string"] = (Text("{\"tenants\":\"all\"}"), HttpStatusCode.BadRequest, "JSON object", []),
        ["tenant is a number"] = (Text("{\"tenants\":[1]}"), HttpStatusCode.BadRequest, "JSON object", []),
        ["tenant is null"] = (Text("{\"tenants\":[null]}"), HttpStatusCode.BadRequest, "tenant id", []),
        ["tenants and endpoints both bad"] = (Text("{\"tenants\":[\"ok-1\",\"x/y\"],\"endpoints\":[\"Nope\"]}"), HttpStatusCode.BadRequest, "tenant id", []),
        ["tenant with path traversal"] = (Text(Json(new[] { Traversal }, "tenants")), HttpStatusCode.BadRequest, "tenant id", []),
        ["tenant with a newline"] = (Text(Json(new[] { "t1\nFORGED line" }, "tenants")), HttpStatusCode.BadRequest, "tenant id", ["\nFORGED"]),
        ["tenant with an ANSI escape"] = (Text(Json(new[] { "t\u001b[31m" }, "tenants")), HttpStatusCode.BadRequest, "tenant id", []),
        ["tenant with a unicode confusable"] = (Text(Json(new[] { "3b0d6f8e\u20101a2b" }, "tenants")), HttpStatusCode.BadRequest, "tenant id", []),
        ["tenant of 65 characters"] = (Text(Json(new[] { new string('a', 65) }, "tenants")), HttpStatusCode.BadRequest, "tenant id", [new string('a', 65)]),
        ["empty tenant"] = (Text(Json(new[] { "" }, "tenants")), HttpStatusCode.BadRequest, "tenant id", []),
        ["unknown endpoint"] = (Text(Json(new[] { "Invoicez" }, "endpoints")), HttpStatusCode.BadRequest, "Unknown Xero endpoint", []),
        ["endpoint with traversal and a newline"] = (Text(Json(new[] { "../Invoices\nFORGED" }, "endpoints")), HttpStatusCode.BadRequest, "Unknown Xero endpoint", ["\nFORGED"]),
        ["endpoint is an object"] = (Text("{\"endpoints\":[{}]}"), HttpStatusCode.BadRequest, "JSON object", []),
        ["full is a string"] = (Text("{\"full\":\"yes\"}"), HttpStatusCode.BadRequest, "JSON object", []),
        ["repeated property"] = (Text("{\"full\":false,\"full\":true}"), HttpStatusCode.BadRequest, "JSON object", []),
        ["misspelt property"] = (Text("{\"tenant\":[\"3b0d6f8e-1a2b-4c3d-9e8f-0a1b2c3d4e5f\"]}"), HttpStatusCode.BadRequest, "JSON object", []),
        ["deeply nested"] = (Text("{\"tenants\":" + new string('[', 2000) + new string(']', 2000) + "}"), HttpStatusCode.BadRequest, "JSON object", []),
        ["body over the 64 KiB cap"] = (Text("{\"tenants\":[" + string.Join(",", Enumerable.Repeat("\"3b0d6f8e-1a2b-4c3d-9e8f-0a1b2c3d4e5f\"", 5000)) + "]}"), HttpStatusCode.BadRequest, "too large", []),
        ["form-urlencoded body"] = (() => new StringContent("tenants=a&full=true", Encoding.UTF8, "application/x-www-form-urlencoded"), HttpStatusCode.BadRequest, "JSON object", []),
        ["invalid utf-8"] = (() => new ByteArrayContent([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']), HttpStatusCode.BadRequest, "JSON object", []),
        ["chunked body that never closes the object"] = (() => new StreamContent(new MemoryStream("{\"tenants\":["u8.ToArray())), HttpStatusCode.BadRequest, "JSON object", []),
        ["call budget on a sync"] = (Text("{\"call_budget\":10}"), HttpStatusCode.BadRequest, "reconcile", []),
        ["full refresh on a sync"] = (Text("{\"full_refresh\":true}"), HttpStatusCode.BadRequest, "reconcile", []),
        ["reconcile with a negative budget"] = (Text("{\"reconcile\":true,\"call_budget\":-1}"), HttpStatusCode.BadRequest, "call_budget", []),
        ["reconcile with a budget over the day limit"] = (Text("{\"reconcile\":true,\"call_budget\":5001}"), HttpStatusCode.BadRequest, "call_budget", []),
        ["reconcile with a budget as a string"] = (Text("{\"reconcile\":true,\"call_budget\":\"lots\"}"), HttpStatusCode.BadRequest, "JSON object", []),
        ["reconcile asked to be full"] = (Text("{\"reconcile\":true,\"full\":true}"), HttpStatusCode.BadRequest, "always reads in full", []),
        ["reconcile is a string"] = (Text("{\"reconcile\":\"yes\"}"), HttpStatusCode.BadRequest, "JSON object", []),
    };

    /// <summary>POST /reconcile: the same body as POST /run (always a reconcile), refused the same way.</summary>
    private static readonly string[] ReconcileCaseNames =
    [
        "not json", "json array", "trailing garbage", "tenant with path traversal", "tenant with a newline", "unknown endpoint",
        "misspelt property", "body over the 64 KiB cap", "invalid utf-8", "reconcile with a negative budget",
        "reconcile with a budget over the day limit", "reconcile with a budget as a string", "reconcile asked to be full",
    ];

    /// <summary>(path, status, strings never logged).</summary>
    private static readonly Dictionary<string, (string Path, HttpStatusCode Status, string[] Forbidden)> RetryCases = new(StringComparer.Ordinal)
    {
        ["encoded traversal"] = ("/runs/..%2F..%2Fetc%2Fpasswd/retry", HttpStatusCode.BadRequest, ["../"]),
        ["dot-dot run id (normalised away by the client: no such route)"] = ("/runs/%2E%2E/retry", HttpStatusCode.NotFound, []),
        ["dot run id (normalised to /runs/retry: GET only)"] = ("/runs/./retry", HttpStatusCode.MethodNotAllowed, []),
        ["literal traversal segments"] = ("/runs/../../retry", HttpStatusCode.NotFound, []),
        ["newline"] = ("/runs/run%0AFORGED/retry", HttpStatusCode.BadRequest, ["\nFORGED"]),
        ["carriage return and line feed"] = ("/runs/run%0D%0ASet-Cookie:x/retry", HttpStatusCode.BadRequest, ["\r\n"]),
        ["SOH control character"] = ("/runs/run%01x/retry", HttpStatusCode.BadRequest, []),
        ["DEL and C1 control characters"] = ("/runs/run%7F%C2%85x/retry", HttpStatusCode.BadRequest, []),
        ["ANSI escape"] = ("/runs/run%1B%5B31m/retry", HttpStatusCode.BadRequest, []),
        ["unicode confusable hyphen"] = ("/runs/20261102T090000Z%E2%80%90ab12/retry", HttpStatusCode.BadRequest, []),
        ["full-width digits"] = ("/runs/%EF%BC%91%EF%BC%92/retry", HttpStatusCode.BadRequest, []),
        ["space"] = ("/runs/run%20one/retry", HttpStatusCode.BadRequest, []),
        ["encoded slash"] = ("/runs/a%2Fb/retry", HttpStatusCode.BadRequest, []),
        ["65 characters"] = ("/runs/" + new string('r', 65) + "/retry", HttpStatusCode.BadRequest, [new string('r', 65)]),
        ["10k characters"] = ("/runs/" + new string('r', 10_000) + "/retry", HttpStatusCode.BadRequest, [new string('r', 65)]),
        ["leading dash"] = ("/runs/-run/retry", HttpStatusCode.BadRequest, []),
        ["valid id of a run that does not exist"] = ("/runs/20261102T090000Z-ab12/retry", HttpStatusCode.NotFound, []),
        ["empty run id"] = ("/runs//retry", HttpStatusCode.NotFound, []),
        ["unknown action"] = ("/runs/20261102T090000Z-ab12/delete", HttpStatusCode.NotFound, []),
    };

    public static TheoryData<string> RunCaseNames => [.. RunCases.Keys];

    public static TheoryData<string> RetryCaseNames => [.. RetryCases.Keys];

    public static TheoryData<string> ReconcileCases => [.. ReconcileCaseNames];

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(ReconcileCases))]
    public async Task Hostile_reconcile_requests_are_refused_with_a_problem_before_any_backend_call(string name)
    {
        var (body, status, detail, forbidden) = RunCases[name];
        fixture.Host.Logs.Clear();

        using var content = body();
        using var response = await fixture.Host.Client.PostAsync(new Uri("/reconcile", UriKind.Relative), content, TestContext.Current.CancellationToken);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        using var problem = JsonDocument.Parse(text);
        var said = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.True(said.Contains(detail, StringComparison.OrdinalIgnoreCase), $"problem detail '{said}' does not name '{detail}'");
        AssertNoBackendCallAndSafeLogs(forbidden);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(RunCaseNames))]
    public async Task Hostile_run_requests_are_refused_with_a_problem_before_any_backend_call(string name)
    {
        var (body, status, detail, forbidden) = RunCases[name];
        fixture.Host.Logs.Clear();

        using var content = body();
        using var response = await fixture.Host.Client.PostAsync(new Uri("/run", UriKind.Relative), content, TestContext.Current.CancellationToken);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        var said = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.True(said.Contains(detail, StringComparison.OrdinalIgnoreCase), $"problem detail '{said}' does not name '{detail}'");
        Assert.DoesNotContain(said, char.IsControl);
        AssertNoBackendCallAndSafeLogs(forbidden);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(RetryCaseNames))]
    public async Task Hostile_retry_requests_are_refused_or_not_found_never_a_server_error(string name)
    {
        var (path, status, forbidden) = RetryCases[name];
        fixture.Host.Logs.Clear();

        using var content = new StringContent("{\"ignored\":" + new string('[', 500) + "}", Encoding.UTF8, "application/json");
        using var response = await fixture.Host.Client.PostAsync(new Uri(path, UriKind.Relative), content, TestContext.Current.CancellationToken);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        if (status == HttpStatusCode.BadRequest)
        {
            using var problem = JsonDocument.Parse(text);
            Assert.Equal("Invalid run id.", problem.RootElement.GetProperty("detail").GetString());
        }

        AssertNoBackendCallAndSafeLogs(forbidden);
    }

    [Fact(Timeout = 5_000)]
    public void There_are_at_least_twenty_distinct_dispatcher_cases() => Assert.True(RunCases.Count + RetryCases.Count >= 20, $"{RunCases.Count + RetryCases.Count} cases");

    private void AssertNoBackendCallAndSafeLogs(string[] forbidden)
    {
        var logs = fixture.Host.Logs.GetSnapshot();
        Assert.DoesNotContain(logs, l => l.Exception is not null);
        Assert.DoesNotContain(logs, l => l.Category?.StartsWith("System.Net.Http", StringComparison.Ordinal) == true || l.Message.Contains("127.0.0.1:9", StringComparison.Ordinal));
        LogSafety.AssertSafe(logs, forbidden);
    }

    private static Func<HttpContent> Text(string json) => () => new StringContent(json, Encoding.UTF8, "application/json");

    private static string Json(string[] values, string property) =>
        "{" + JsonSerializer.Serialize(property) + ":[" + string.Join(",", values.Select(v => JsonSerializer.Serialize(v))) + "]}";
}
