using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using XeroSync.XeroSimulator.Api;
using XeroSync.XeroSimulator.Auth;
using XeroSync.XeroSimulator.Control;

namespace XeroSync.XeroSimulator;

/// <summary>Kestrel serving identity (/connect/*), /connections, /api.xro/2.0/{Endpoint} and the /_sim control API.</summary>
public sealed class XeroSimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private XeroSimulatorHost(WebApplication app, SimulatorState state, Uri baseUrl)
    {
        _app = app;
        State = state;
        BaseUrl = baseUrl;
    }

    /// <summary>Bound address with a trailing slash, e.g. http://127.0.0.1:54321/.</summary>
    public Uri BaseUrl { get; }

    public SimulatorState State { get; }

    public static async Task<XeroSimulatorHost> StartAsync(SimulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = new SimulatorState(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(XeroSimulatorHost).Assembly.GetName().Name });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        if (options.ConsoleLogging)
        {
            builder.Logging.AddSimpleConsole();
        }

        if (options.CompressResponses)
        {
            builder.Services.AddResponseCompression(compression =>
            {
                compression.EnableForHttps = true;
                compression.Providers.Add<GzipCompressionProvider>();
                compression.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["application/json; charset=utf-8"]);
            });
        }

        var app = builder.Build();

        // Outside compression: counts the bytes that leave, and logs each request once its response is complete.
        app.Use((context, next) => ResponseLog.MeterAsync(context, next, state));
        if (options.CompressResponses)
        {
            app.UseResponseCompression();
        }

        var api = new ApiRequestHandler(state);
        app.MapGet("/api.xro/2.0/{endpoint}", (HttpContext context, string endpoint) => api.HandleAsync(context, endpoint));
        app.MapGet("/api.xro/2.0/{endpoint}/{id}", (HttpContext context, string endpoint, string id) => api.HandleAsync(context, endpoint, id));
        IdentityEndpoints.Map(app, state);
        ControlEndpoints.Map(app, state);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no bound address.");
        var baseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return new XeroSimulatorHost(app, state, baseUrl);
    }

    public async ValueTask DisposeAsync()
    {
        if (State.Webhooks is { } webhooks)
        {
            await webhooks.DisposeAsync();
        }

        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
