using System.Net.Http.Headers;
using System.Text.Json;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>A started simulator plus an HttpClient holding a client_credentials token.</summary>
public sealed class TestSimulator : IAsyncDisposable
{
    private TestSimulator(XeroSimulatorHost host, HttpClient http)
    {
        Host = host;
        Http = http;
    }

    public XeroSimulatorHost Host { get; }

    public HttpClient Http { get; }

    public SimulatorState State => Host.State;

    public string TenantId => State.Tenants[0].TenantId;

    public static SimulatorOptions SmallOptions(TimeProvider clock, int tenants = 1) => new()
    {
        Clock = clock,
        Tenants = tenants,
        Scale = 0.3,
        CreatedAt = clock.GetUtcNow(),
        ChangesPerMinute = 0,
    };

    public static async Task<TestSimulator> StartAsync(SimulatorOptions options, bool authenticate = true)
    {
        var host = await XeroSimulatorHost.StartAsync(options, TestContext.Current.CancellationToken);
        var http = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var simulator = new TestSimulator(host, http);
        if (authenticate)
        {
            await simulator.AuthenticateAsync();
        }

        return simulator;
    }

    /// <summary>Gets a fresh client_credentials token (e.g. after moving the clock past its 30 minutes).</summary>
    public async Task AuthenticateAsync()
    {
        using var token = await RequestTokenAsync(new Dictionary<string, string> { ["grant_type"] = "client_credentials" });
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.RootElement.GetProperty("access_token").GetString());
    }

    public async Task<JsonDocument> RequestTokenAsync(Dictionary<string, string> form, string? clientId = "demo-client-id", string clientSecret = "demo-client-secret")
    {
        using var response = await PostTokenAsync(form, clientId, clientSecret);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public async Task<HttpResponseMessage> PostTokenAsync(Dictionary<string, string> form, string? clientId = "demo-client-id", string clientSecret = "demo-client-secret")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "connect/token") { Content = new FormUrlEncodedContent(form) };
        if (clientId is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{clientSecret}")));
        }

        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<HttpResponseMessage> GetAsync(string pathAndQuery, string? tenantId = null, string? ifModifiedSince = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api.xro/2.0/" + pathAndQuery);
        request.Headers.TryAddWithoutValidation("xero-tenant-id", tenantId ?? TenantId);
        if (ifModifiedSince is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", ifModifiedSince);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<JsonElement> GetJsonAsync(string pathAndQuery, string? tenantId = null, string? ifModifiedSince = null)
    {
        using var response = await GetAsync(pathAndQuery, tenantId, ifModifiedSince);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}
