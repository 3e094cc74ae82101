using System.IO.Compression;
using System.Text;
using System.Text.Json;
using XeroSync.Storage.Gcs;
using XeroSync.Tests.Gcs;

namespace XeroSync.Tests.Storage;

public sealed class GcsObjectStoreTests
{
    private const string Bucket = "xero-landing";
    private const string PageName = "xero/invoices/tenant=t-1/run=r-1/page-00001.ndjson.gz";

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateIfAbsent_uploads_with_generation_precondition_then_reports_existing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeGcsServer.StartAsync(Bucket);
        var store = GcsObjectStore.Create(Bucket, server.BaseUri.ToString());
        var content = Gzip("{\"record_id\":\"a\"}\n");

        Assert.True(await store.CreateIfAbsentAsync(PageName, content, "application/x-ndjson", ct));
        Assert.False(await store.CreateIfAbsentAsync(PageName, Gzip("other"), "application/x-ndjson", ct));

        Assert.Equal(content, server.Objects[PageName]);
        var requests = server.Requests;
        var initiate = requests[0];
        Assert.Equal("POST", initiate.Method);
        Assert.Equal($"/upload/storage/v1/b/{Bucket}/o", initiate.Path);
        Assert.Equal("resumable", initiate.Query["uploadType"]);
        Assert.Equal("0", initiate.Query["ifGenerationMatch"]);
        using (var metadata = JsonDocument.Parse(initiate.Body))
        {
            Assert.Equal(PageName, metadata.RootElement.GetProperty("name").GetString());
            Assert.Equal("application/x-ndjson", metadata.RootElement.GetProperty("contentType").GetString());
            Assert.False(metadata.RootElement.TryGetProperty("contentEncoding", out _), "no Content-Encoding: GCS must not transcode gzip pages");
        }

        Assert.False(initiate.Headers.ContainsKey("Authorization"), "emulator/unauthenticated access sends no credentials");
        var upload = requests[1];
        Assert.Equal("PUT", upload.Method);
        Assert.Equal(content, upload.Body);
        Assert.False(upload.Headers.ContainsKey("Content-Encoding"));

        var second = requests[2];
        Assert.Equal("POST", second.Method);
        Assert.Equal("0", second.Query["ifGenerationMatch"]);
        Assert.Equal(3, requests.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_412_on_the_final_upload_request_also_means_already_exists()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeGcsServer.StartAsync(Bucket, checkPreconditionAtInitiate: false);
        var store = GcsObjectStore.Create(Bucket, server.BaseUri.ToString());
        var first = Gzip("first");

        Assert.True(await store.CreateIfAbsentAsync(PageName, first, "application/x-ndjson", ct));
        Assert.False(await store.CreateIfAbsentAsync(PageName, Gzip("second"), "application/x-ndjson", ct));

        Assert.Equal(first, server.Objects[PageName]);
        Assert.Equal(["POST", "PUT", "POST", "PUT"], server.Requests.Select(r => r.Method));
    }

    [Fact(Timeout = 60_000)]
    public async Task Gzip_content_round_trips_byte_for_byte_and_missing_objects_read_as_null()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeGcsServer.StartAsync(Bucket);
        var store = GcsObjectStore.Create(Bucket, server.BaseUri.ToString());
        var lines = string.Concat(Enumerable.Range(0, 2000).Select(i => $"{{\"record_id\":\"r-{i}\",\"payload\":{{\"n\":{i}}}}}\n"));
        var content = Gzip(lines);

        Assert.True(await store.CreateIfAbsentAsync(PageName, content, "application/x-ndjson", ct));
        var stream = await store.OpenReadAsync(PageName, ct);
        Assert.NotNull(stream);
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ct);
            Assert.Equal(content, copy.ToArray());
        }

        var requests = server.Requests;
        var download = requests[^1];
        Assert.Equal("GET", download.Method);
        Assert.StartsWith($"/storage/v1/b/{Bucket}/o/xero%2F", download.Path, StringComparison.OrdinalIgnoreCase);
        Assert.Equal($"/storage/v1/b/{Bucket}/o/{PageName}", Uri.UnescapeDataString(download.Path));
        Assert.Equal("media", download.Query["alt"]);

        Assert.Null(await store.OpenReadAsync("xero/invoices/tenant=t-1/run=r-1/page-00002.ndjson.gz", ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task List_returns_names_under_the_prefix_across_pages_in_ordinal_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeGcsServer.StartAsync(Bucket, listPageSize: 2);
        string[] wanted =
        [
            "xero/invoices/tenant=t-1/run=r-1/_manifest.json",
            "xero/invoices/tenant=t-1/run=r-1/page-00001.ndjson.gz",
            "xero/invoices/tenant=t-1/run=r-1/page-00002.ndjson.gz",
            "xero/invoices/tenant=t-1/run=r-1/page-00010.ndjson.gz",
            "xero/invoices/tenant=t-1/run=r-1/page-00011.ndjson.gz",
        ];
        foreach (var name in wanted.Reverse())
        {
            server.Put(name, [1]);
        }

        server.Put("xero/invoices/tenant=t-1/run=r-2/page-00001.ndjson.gz", [1]);
        server.Put("xero/contacts/tenant=t-1/run=r-1/page-00001.ndjson.gz", [1]);
        var store = GcsObjectStore.Create(Bucket, server.BaseUri.ToString());

        var names = new List<string>();
        await foreach (var name in store.ListAsync("xero/invoices/tenant=t-1/run=r-1/", ct))
        {
            names.Add(name);
        }

        Assert.Equal(wanted, names);
        var lists = server.Requests.Where(r => r.Method == "GET").ToList();
        Assert.Equal(3, lists.Count);
        Assert.All(lists, r => Assert.Equal($"/storage/v1/b/{Bucket}/o", r.Path));
        Assert.All(lists, r => Assert.Equal("xero/invoices/tenant=t-1/run=r-1/", r.Query["prefix"]));
        Assert.False(lists[0].Query.ContainsKey("pageToken"));
        Assert.Equal("2", lists[1].Query["pageToken"]);
        Assert.Equal("4", lists[2].Query["pageToken"]);
    }
}
