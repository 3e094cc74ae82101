using System.Net.Http.Headers;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using XeroSync.Pipeline;
using XeroSync.Xero;
using XeroSync.XeroSimulator;

namespace XeroSync.Bench;

/// <summary>
/// Figure 1's BenchmarkDotNet benchmark: one 1000-record Invoices page as the simulator's generator serves it, from the
/// response stream (XeroApiClient.GetPageAsync over a replayed response) to NDJSON.gz bytes (PageWriter.Write).
/// </summary>
[MemoryDiagnoser]
public class PagePipelineBenchmark
{
    private static readonly DateTimeOffset FetchedAt = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private XeroApiClient _client = null!;
    private PageQuery _query = null!;

    /// <summary>The recorded response (set by <see cref="RecordAsync"/> before BenchmarkDotNet runs in process).</summary>
    public static RecordedPage? Page { get; private set; }

    /// <summary>Fetches page 1 of Invoices (pageSize=1000, unitdp=4, as the sync asks) from a simulator and keeps its bytes.</summary>
    public static async Task<RecordedPage> RecordAsync(CancellationToken cancellationToken)
    {
        var options = BenchSimulator.Options(1, 0.2);
        await using var simulator = await XeroSimulatorHost.StartAsync(options, cancellationToken);
        var tenant = simulator.State.Tenants[0].TenantId;
        using var http = new HttpClient();
        using (var tokenRequest = new HttpRequestMessage(HttpMethod.Post, new Uri(simulator.BaseUrl, "connect/token")))
        {
            tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(options.ClientId + ":" + options.ClientSecret)));
            tokenRequest.Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", options.CustomConnectionScope)]);
            using var tokenResponse = await http.SendAsync(tokenRequest, cancellationToken);
            tokenResponse.EnsureSuccessStatusCode();
            using var json = System.Text.Json.JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync(cancellationToken));
            var token = json.RootElement.GetProperty("access_token").GetString()!;
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(simulator.BaseUrl, "api.xro/2.0/Invoices?page=1&pageSize=1000&includeArchived=true&unitdp=4"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.TryAddWithoutValidation("xero-tenant-id", tenant);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            Page = new RecordedPage(tenant, body, response.Content.Headers.ContentType?.ToString() ?? "application/json");
        }

        // The same page through the real client once, so the benchmark is known to measure a full page.
        var check = new PagePipelineBenchmark();
        check.Setup();
        var records = await check.WritePageAsync();
        if (records != 1000)
        {
            throw new InvalidOperationException($"The recorded Invoices page has {records} records, not 1000.");
        }

        return Page;
    }

    [GlobalSetup]
    public void Setup()
    {
        var page = Page ?? throw new InvalidOperationException("RecordAsync first.");
        var options = Options.Create(new XeroOptions { ApiUrl = new Uri("http://127.0.0.1:1/"), IdentityUrl = new Uri("http://127.0.0.1:1/") });
#pragma warning disable CA2000 // The client owns the handler for the benchmark's life.
        _client = new XeroApiClient(new HttpClient(new ReplayHandler(page.Body, page.ContentType)), new FixedTokenSource("bench"), new UnlimitedRateLimiter(), options, TimeProvider.System, NullLogger<XeroApiClient>.Instance);
#pragma warning restore CA2000
        _query = new PageQuery(page.TenantId, EndpointCatalog.Get("Invoices"), 1, null, null, null);
    }

    /// <summary>Response stream to NDJSON.gz bytes; returns the record count so nothing is optimised away.</summary>
    [Benchmark]
    public async Task<int> WritePageAsync()
    {
        using var page = await _client.GetPageAsync(_query, CancellationToken.None);
        using var written = PageWriter.Write(page, _query.Endpoint, _query.TenantId, "bench-run", 1, FetchedAt);
        return written.Records + (written.Content.Length > 0 ? 0 : -1);
    }
}
