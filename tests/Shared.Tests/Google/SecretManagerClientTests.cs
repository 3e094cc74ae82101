using System.Globalization;
using System.Text;
using System.Text.Json;
using XeroSync.Google;
using XeroSync.Google.SecretManager;

namespace XeroSync.Tests.Google;

public sealed class SecretManagerClientTests
{
    [Fact]
    public void Crc32c_matches_the_castagnoli_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact(Timeout = 60_000)]
    public async Task Access_reads_latest_and_verifies_the_checksum()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = "refresh-token-value"u8.ToArray();
        await using var server = await TestHttpServer.StartAsync(_ => new TestResponse(200, AccessBody(secret, Crc32C.Compute(secret))));
        var client = GoogleTestClients.SecretManager(server.BaseUri);

        var payload = await client.AccessSecretVersionAsync("xero-refresh", cancellationToken: ct);

        Assert.Equal(secret, payload.Data.ToArray());
        Assert.Equal("projects/p/secrets/xero-refresh/versions/7", payload.VersionName);
        Assert.DoesNotContain("refresh-token-value", payload.ToString(), StringComparison.Ordinal);
        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/projects/p/secrets/xero-refresh/versions/latest:access", request.PathAndQuery);
    }

    [Fact(Timeout = 60_000)]
    public async Task Access_throws_on_a_checksum_mismatch()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = "value"u8.ToArray();
        await using var server = await TestHttpServer.StartAsync(_ => new TestResponse(200, AccessBody(secret, Crc32C.Compute(secret) ^ 1)));
        var client = GoogleTestClients.SecretManager(server.BaseUri);

        await Assert.ThrowsAsync<SecretChecksumMismatchException>(() => client.AccessSecretVersionAsync("s", "3", ct));
        Assert.Equal("/v1/projects/p/secrets/s/versions/3:access", Assert.Single(server.Requests).PathAndQuery);
    }

    [Fact(Timeout = 60_000)]
    public async Task AddVersion_sends_data_and_its_crc32c()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(_ => new TestResponse(200, """{"name":"projects/p/secrets/s/versions/8","state":"ENABLED","etag":"\"e8\"","createTime":"2026-11-28T00:00:00Z"}"""));
        var client = GoogleTestClients.SecretManager(server.BaseUri);
        var data = Encoding.UTF8.GetBytes("new-token");

        var version = await client.AddSecretVersionAsync("s", data, ct);

        Assert.Equal("projects/p/secrets/s/versions/8", version.Name);
        Assert.Equal("ENABLED", version.State);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/projects/p/secrets/s:addVersion", request.PathAndQuery);
        using var body = JsonDocument.Parse(request.Body);
        var payload = body.RootElement.GetProperty("payload");
        Assert.Equal(data, payload.GetProperty("data").GetBytesFromBase64());
        Assert.Equal(Crc32C.Compute(data).ToString(CultureInfo.InvariantCulture), payload.GetProperty("dataCrc32c").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task DestroyVersion_posts_the_etag_and_surfaces_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(r => r.Body.Contains("stale", StringComparison.Ordinal)
            ? new TestResponse(400, """{"error":{"code":400,"message":"etag mismatch","status":"FAILED_PRECONDITION"}}""")
            : new TestResponse(200, """{"name":"projects/p/secrets/s/versions/3","state":"DESTROYED","etag":"\"e4\""}"""));
        var client = GoogleTestClients.SecretManager(server.BaseUri);

        var version = await client.DestroySecretVersionAsync("projects/p/secrets/s/versions/3", "\"e3\"", ct);
        Assert.Equal("DESTROYED", version.State);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/projects/p/secrets/s/versions/3:destroy", request.PathAndQuery);
        Assert.Equal("\"e3\"", JsonDocument.Parse(request.Body).RootElement.GetProperty("etag").GetString());

        var error = await Assert.ThrowsAsync<GoogleApiException>(() => client.DestroySecretVersionAsync("projects/p/secrets/s/versions/3", "stale", ct));
        Assert.Equal("FAILED_PRECONDITION", error.Status);
    }

    [Fact(Timeout = 30_000)]
    public async Task ListVersions_filters_by_state_and_follows_every_page()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(r => r.PathAndQuery.Contains("pageToken=next%2F1", StringComparison.Ordinal)
            ? new TestResponse(200, """{"versions":[{"name":"projects/p/secrets/s/versions/1","state":"ENABLED","createTime":"2026-11-28T00:00:00Z"}]}""")
            : new TestResponse(200, """{"versions":[{"name":"projects/p/secrets/s/versions/3","state":"ENABLED"},{"name":"projects/p/secrets/s/versions/2","state":"ENABLED"}],"nextPageToken":"next/1"}"""));
        var client = GoogleTestClients.SecretManager(server.BaseUri);

        var versions = await client.ListSecretVersionsAsync("s", cancellationToken: ct);

        Assert.Equal(["3", "2", "1"], versions.Select(v => v.Name.Split('/')[^1]));
        Assert.Equal("2026-11-28T00:00:00Z", versions[2].CreateTime);
        Assert.Equal(
            ["/v1/projects/p/secrets/s/versions?filter=state%3AENABLED&pageSize=100", "/v1/projects/p/secrets/s/versions?filter=state%3AENABLED&pageSize=100&pageToken=next%2F1"],
            server.Requests.Select(r => r.PathAndQuery));
        Assert.All(server.Requests, r => Assert.Equal("GET", r.Method));
    }

    private static string AccessBody(byte[] data, uint crc) =>
        $$$"""{"name":"projects/p/secrets/xero-refresh/versions/7","payload":{"data":"{{{Convert.ToBase64String(data)}}}","dataCrc32c":"{{{crc}}}"}}""";
}
