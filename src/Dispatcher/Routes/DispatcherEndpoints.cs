using System.Text.Json;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Pipeline;

namespace XeroSync.Dispatcher.Routes;

/// <summary>
/// The Dispatcher's HTTP surface (Cloud Scheduler calls POST /run): start a run, show progress, retry
/// failed, deferred and dead-lettered pages. Handlers only decode, delegate and map.
/// </summary>
public static class DispatcherEndpoints
{
    public static WebApplication MapDispatcherEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/healthz");
        app.MapPost("/run", StartRunAsync);
        app.MapGet("/runs/{runId}", GetRunAsync);
        app.MapPost("/runs/{runId}/retry", RetryAsync);
        return app;
    }

    private static async Task<IResult> StartRunAsync(HttpRequest request, RunStarter starter, CancellationToken cancellationToken)
    {
        RunRequest runRequest;
        try
        {
            runRequest = request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding"))
                ? new RunRequest()
                : await JsonSerializer.DeserializeAsync(request.Body, PipelineJsonContext.Default.RunRequest, cancellationToken) ?? new RunRequest();
        }
        catch (JsonException)
        {
            return Results.Problem("The body must be empty or a JSON object {\"tenants\": [...], \"endpoints\": [...], \"full\": bool}.", statusCode: 400);
        }

        try
        {
            var started = await starter.StartAsync(runRequest, cancellationToken);
            return Results.Json(
                new RunStartedResponse(started.Run.RunId, started.Messages, started.Tenants.Select(t => t.TenantId).ToList(), started.Endpoints.Select(e => e.Name).ToList()),
                DispatcherJsonContext.Default.RunStartedResponse);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return Results.Problem(ex.Message, statusCode: 400);
        }
    }

    private static async Task<IResult> GetRunAsync(string runId, IRunLedger ledger, CancellationToken cancellationToken)
    {
        if (!Identifiers.IsValidRunId(runId))
        {
            return Results.Problem("Invalid run id.", statusCode: 400);
        }

        var state = await ledger.GetRunStateAsync(runId, cancellationToken);
        return state is null
            ? Results.NotFound()
            : Results.Json(RunStatusResponse.From(state), DispatcherJsonContext.Default.RunStatusResponse);
    }

    private static async Task<IResult> RetryAsync(string runId, RunRetrier retrier, CancellationToken cancellationToken)
    {
        if (!Identifiers.IsValidRunId(runId))
        {
            return Results.Problem("Invalid run id.", statusCode: 400);
        }

        try
        {
            var result = await retrier.RetryAsync(runId, cancellationToken);
            return Results.Json(result, DispatcherJsonContext.Default.RetryResult);
        }
        catch (KeyNotFoundException)
        {
            return Results.NotFound();
        }
    }
}
