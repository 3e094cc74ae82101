using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Ledger.Local;
using XeroSync.Pipeline;
using XeroSync.RateLimiting;
using XeroSync.Tests.Pipeline;
using XeroSync.Xero;

namespace XeroSync.Tests.Xero;

/// <summary>Xero's OpenAPI examples (shared/fixtures/xero) served as responses: the client parses every collection.</summary>
public sealed class FixtureParsingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_fixture_with_a_collection_parses_and_lands_exactly()
    {
        var folder = RepositoryPaths.RequireFixtures("xero");
        var checkedEndpoints = new List<string>();
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            var table = Path.GetFileName(file).Split('.')[0];
            if (!EndpointCatalog.TryGet(table, out var endpoint))
            {
                continue;
            }

            var body = await File.ReadAllTextAsync(file, Token);
            using var expected = JsonDocument.Parse(body);
            if (!expected.RootElement.TryGetProperty(endpoint.CollectionProperty, out var records) || records.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var handler = new StubHandler(request =>
            {
                Assert.Equal(endpoint.Path, request.RequestUri!.AbsolutePath);
                return StubHandler.Json(HttpStatusCode.OK, body);
            });
            using var http = new HttpClient(handler);
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
            using var state = new TempDirectory();
            using var limiter = new InProcessRateLimiter(Options.Create(new RateLimitOptions()), SqliteStateDatabase.InFolder(state.Path), time, NullLogger<InProcessRateLimiter>.Instance);
            var client = new XeroApiClient(http, new StaticTokens(), limiter, Options.Create(new XeroOptions { ApiUrl = new Uri("http://127.0.0.1/") }), time, NullLogger<XeroApiClient>.Instance);
            using var page = await client.GetPageAsync(new PageQuery("tenant-1", endpoint, 1, null, null, null), Token);
            Assert.True(records.GetArrayLength() == page.Count, $"{file}: {page.Count} records parsed");
            Assert.True(page.Count > 0, $"{file}: empty collection");

            var lines = PageWriterTests.Lines(PageWriter.Write(page, endpoint, "tenant-1", "run-1", 1, time.GetUtcNow()));
            var index = 0;
            foreach (var record in records.EnumerateArray())
            {
                var (line, raw) = lines[index++];
                // Exact bytes, except that line breaks (insignificant whitespace) become spaces to keep one record per line.
                Assert.True(record.GetRawText().Replace('\n', ' ').Replace('\r', ' ') == raw, $"{file} record {index}: payload bytes differ");
                Assert.True(JsonElement.DeepEquals(record, line.GetProperty("payload")), $"{file} record {index}: payload differs");
                if (record.TryGetProperty(endpoint.KeyField, out var key) && key.ValueKind == JsonValueKind.String && key.GetString() is { Length: > 0 } id)
                {
                    Assert.Equal(id, line.GetProperty("record_id").GetString());
                }
                else
                {
                    Assert.StartsWith("sha256:", line.GetProperty("record_id").GetString(), StringComparison.Ordinal);
                }

                if (endpoint.UpdatedField is { } field && record.TryGetProperty(field, out var updated) && updated.ValueKind == JsonValueKind.String)
                {
                    Assert.True(XeroDate.TryParse(updated.GetString(), out var instant), $"{file}: {field} '{updated.GetString()}' does not parse");
                    Assert.Equal(PageWriter.FormatTimestamp(instant), line.GetProperty("updated_at").GetString());
                }
            }

            checkedEndpoints.Add(endpoint.Name);
        }

        Assert.True(checkedEndpoints.Count >= 15, "fixtures checked: " + string.Join(", ", checkedEndpoints));
    }

    [Fact(Timeout = 30_000)]
    public async Task Pagination_page_size_and_item_count_come_from_xeros_pagination_object()
    {
        var folder = RepositoryPaths.RequireFixtures("xero");
        var checkedFiles = 0;
        foreach (var file in Directory.GetFiles(folder, "*.page.json"))
        {
            var table = Path.GetFileName(file).Split('.')[0];
            var body = await File.ReadAllTextAsync(file, Token);
            using var expected = JsonDocument.Parse(body);
            if (!EndpointCatalog.TryGet(table, out var endpoint) || !expected.RootElement.TryGetProperty("pagination", out var pagination))
            {
                continue;
            }

            using var http = new HttpClient(new StubHandler(_ => StubHandler.Json(HttpStatusCode.OK, body)));
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
            using var state = new TempDirectory();
            using var limiter = new InProcessRateLimiter(Options.Create(new RateLimitOptions()), SqliteStateDatabase.InFolder(state.Path), time, NullLogger<InProcessRateLimiter>.Instance);
            var client = new XeroApiClient(http, new StaticTokens(), limiter, Options.Create(new XeroOptions { ApiUrl = new Uri("http://127.0.0.1/") }), time, NullLogger<XeroApiClient>.Instance);
            using var page = await client.GetPageAsync(new PageQuery("tenant-1", endpoint, 1, null, null, null), Token);
            var parsed = Assert.IsType<XeroPagination>(page.Pagination);
            Assert.Equal(pagination.GetProperty("page").GetInt32(), parsed.Page);
            Assert.Equal(pagination.GetProperty("pageSize").GetInt32(), parsed.PageSize);
            Assert.Equal(pagination.GetProperty("pageCount").GetInt32(), parsed.PageCount);
            Assert.Equal(pagination.GetProperty("itemCount").GetInt32(), parsed.ItemCount);
            checkedFiles++;
        }

        Assert.True(checkedFiles >= 5, $"{checkedFiles} paged fixtures with a pagination object");
    }
}
