using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace XeroSync.Tests.Routes;

/// <summary>The Worker's real routes: what they acknowledge, ignore and refuse.</summary>
public sealed class WorkerRouteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Health_check_answers_200()
    {
        await using var host = await WorkerHost.StartAsync();

        using var response = await host.Client.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"message\":{\"data\":\"!!!\",\"messageId\":\"1\"}}")]
    [InlineData("{\"message\":{\"data\":\"eyJ2IjoxfQ==\",\"messageId\":\"1\"},\"subscription\":\"s\"}")]
    public async Task Malformed_pushes_are_acknowledged_as_poison_not_redelivered(string body)
    {
        await using var host = await WorkerHost.StartAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await host.Client.PostAsync(new Uri("/pubsub", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("emulator-pubsub-push-wrapped.body.json")]
    [InlineData("ffdotnet-pushenvelope-emulator_pubsub.json")]
    [InlineData("ffdotnet-pushenvelope-raw_pubsub.json")]
    public async Task Upstream_push_envelopes_are_accepted_and_their_foreign_data_acknowledged(string fixture)
    {
        await using var host = await WorkerHost.StartAsync();
        using var content = new StringContent(await File.ReadAllTextAsync(Fixture(fixture), Ct), Encoding.UTF8, "application/json");

        using var response = await host.Client.PostAsync(new Uri("/pubsub", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("ffconformance-structured-storage-cloudevent.json")]
    [InlineData("gce-examples-structured-storage-StorageObjectDataWorkflows.json")]
    [InlineData("ffconformance-structured-pubsub_text-cloudevent.json")]
    [InlineData("ffconformance-structured-pubsub_binary-cloudevent.json")]
    [InlineData("gce-examples-structured-pubsub-MessagePublishedData.json")]
    public async Task Upstream_structured_cloudevents_are_accepted_and_non_manifest_objects_ignored(string fixture)
    {
        await using var host = await WorkerHost.StartAsync();
        using var content = new StringContent(await File.ReadAllTextAsync(Fixture(fixture), Ct), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");

        using var response = await host.Client.PostAsync(new Uri("/events", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_binary_finalize_event_for_a_page_object_is_ignored_with_204()
    {
        await using var host = await WorkerHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events")
        {
            Content = new StringContent("{\"bucket\":\"b\",\"name\":\"xero/invoices/tenant=t/run=r/page-00001.ndjson.gz\",\"generation\":\"1\",\"size\":\"10\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("ce-id", "1");
        request.Headers.Add("ce-source", "//storage.googleapis.com/projects/_/buckets/b");
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-type", "google.cloud.storage.object.v1.finalized");
        request.Headers.Add("ce-subject", "objects/xero/invoices/tenant=t/run=r/page-00001.ndjson.gz");

        using var response = await host.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task With_an_oidc_audience_requests_without_a_valid_google_token_are_refused_but_health_is_open()
    {
        await using var host = await WorkerHost.StartAsync(new Dictionary<string, string> { ["XEROSYNC_OIDC_AUDIENCE"] = "https://worker.example" });

        using var none = new StringContent("{}", Encoding.UTF8, "application/json");
        using var noToken = await host.Client.PostAsync(new Uri("/pubsub", UriKind.Relative), none, Ct);
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/pubsub") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln");
        using var forgedResponse = await host.Client.SendAsync(forged, Ct);
        using var health = await host.Client.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static string Fixture(string name) => Path.Combine(RepositoryPaths.RequireFixtures("cloudevents"), name);
}
