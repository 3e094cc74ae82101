using System.Text.Json;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Messaging.PubSub;
using XeroSync.Pipeline;
using XeroSync.TieOut;
using XeroSync.Xero;

namespace XeroSync.Dispatcher.Routes;

/// <summary>
/// The Dispatcher's HTTP surface (Cloud Scheduler calls POST /run): start a run, show progress, retry
/// failed, deferred and dead-lettered pages, show webhook freshness. Handlers only decode, delegate and map.
/// </summary>
public static class DispatcherEndpoints
{
    /// <summary>A run request names at most a few hundred tenants and endpoints: 64 KiB is far beyond any real one.</summary>
    public const int MaxRunRequestBytes = 64 * 1024;

    public static WebApplication MapDispatcherEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/healthz");
        app.MapPost("/run", StartRunAsync);
        app.MapPost("/reconcile", StartReconcileAsync);
        app.MapPost("/tie-out", StartTieOutAsync);
        app.MapGet("/runs/{runId}", GetRunAsync);
        app.MapPost("/runs/{runId}/retry", RetryAsync);
        app.MapGet("/freshness", GetFreshnessAsync);
        return app;
    }

    /// <summary><c>GET /freshness</c>: per (organisation, endpoint), the last change a webhook reported, the last landed, and the latency.</summary>
    private static async Task<IResult> GetFreshnessAsync(IFreshnessStore freshness, CancellationToken cancellationToken)
    {
        var tables = await freshness.ListAsync(cancellationToken);
        return Results.Json(new FreshnessResponse([.. tables.Select(TableFreshnessStatus.From)]), DispatcherJsonContext.Default.FreshnessResponse);
    }

    private static async Task<IResult> StartRunAsync(HttpRequest request, RunStarter starter, ReconcileStarter reconciler, PubSubFetchPublisher preparations, UsageRecorder usage, EgressBudget egress, CancellationToken cancellationToken)
    {
        // The scheduler's call: the runs that finished since the last one go into the usage table first (one small load each).
        await usage.RecordRecentAsync(cancellationToken);
        var (runRequest, problem) = await ReadRunRequestAsync(request, cancellationToken);
        if (problem is not null)
        {
            return Results.Problem(problem, statusCode: 400);
        }

        if (runRequest!.Reconcile)
        {
            return await ReconcileAsync(runRequest, request.HttpContext.Response, reconciler, preparations, cancellationToken);
        }

        if (runRequest.CallBudget is not null || runRequest.FullRefresh)
        {
            return Results.Problem("call_budget and full_refresh apply to a reconcile (\"reconcile\": true).", statusCode: 400);
        }

        try
        {
            var started = await starter.StartAsync(runRequest!, cancellationToken);

            // A sync is never held by the egress budget; a budget gone over is reported (and logged) with the run.
            var warnings = await egress.OverBudgetAsync(started.Run.Tenants, cancellationToken);
            return Results.Json(
                new RunStartedResponse(started.Run.RunId, started.Messages, started.Tenants.Select(t => t.TenantId).ToList(), started.Endpoints.Select(e => e.Name).ToList()) { EgressWarnings = warnings },
                DispatcherJsonContext.Default.RunStartedResponse);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return Results.Problem(ex.Message, statusCode: 400);
        }
        catch (NoTenantsToSyncException ex)
        {
            return Results.Problem(ex.Message, statusCode: 422);
        }
    }

    /// <summary><c>POST /reconcile</c>: the body of <c>POST /run</c> (tenants, endpoints, call_budget, full_refresh), always a reconcile.</summary>
    private static async Task<IResult> StartReconcileAsync(HttpRequest request, ReconcileStarter reconciler, PubSubFetchPublisher preparations, CancellationToken cancellationToken)
    {
        var (runRequest, problem) = await ReadRunRequestAsync(request, cancellationToken);
        return problem is not null
            ? Results.Problem(problem, statusCode: 400)
            : await ReconcileAsync(runRequest! with { Reconcile = true }, request.HttpContext.Response, reconciler, preparations, cancellationToken);
    }

    /// <summary>
    /// Accepts a reconcile: records the run, publishes one preparation per organisation (the Worker probes Xero, queries
    /// the warehouse and publishes the fetches) and answers 202 with where to follow it. Nothing here waits for Xero's
    /// rate limits or the warehouse, so the Scheduler's request returns in about a second whatever the organisations.
    /// </summary>
    private static async Task<IResult> ReconcileAsync(RunRequest runRequest, HttpResponse response, ReconcileStarter reconciler, PubSubFetchPublisher preparations, CancellationToken cancellationToken)
    {
        if (runRequest.Full)
        {
            return Results.Problem("A reconcile always reads in full; \"full\" applies to a sync.", statusCode: 400);
        }

        try
        {
            var opened = await reconciler.OpenAsync(runRequest, cancellationToken);

            // Every endpoint is opened pending before anything is published: a publish that fails here answers 500 and leaves a
            // run that reads as running; the next reconcile is the retry (as for POST /run).
            await preparations.PublishPreparationsAsync(opened.Preparations, cancellationToken);
            var status = "/runs/" + opened.Run.RunId;
            response.Headers.Location = status;
            return Results.Json(
                new ReconcileAcceptedResponse(opened.Run.RunId, status, opened.Run.Tenants, opened.Run.Endpoints, opened.Run.Reconcile?.SweepOnly ?? []),
                DispatcherJsonContext.Default.ReconcileAcceptedResponse,
                statusCode: StatusCodes.Status202Accepted);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return Results.Problem(ex.Message, statusCode: 400);
        }
        catch (NoTenantsToSyncException ex)
        {
            return Results.Problem(ex.Message, statusCode: 422);
        }
    }

    /// <summary>
    /// <c>POST /tie-out</c>: publishes one tie-out per organisation (the Worker reads Xero's Trial Balance and Balance Sheet at
    /// each date under the shared rate limiter, compares them with the BigQuery warehouse's journals and keeps every check in
    /// the raw dataset) and answers 202 with the organisations and dates. Body: empty, or <c>{"tenants", "as_at", "months"}</c>.
    /// </summary>
    private static async Task<IResult> StartTieOutAsync(HttpRequest request, XeroApiClient xero, PubSubFetchPublisher publisher, TimeProvider time, CancellationToken cancellationToken)
    {
        var (bytes, tooLarge) = await ReadBodyAsync(request, cancellationToken);
        if (tooLarge is not null)
        {
            return Results.Problem(tooLarge, statusCode: 400);
        }

        TieOutRunRequest tieOut;
        try
        {
            tieOut = bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty
                ? new TieOutRunRequest()
                : JsonSerializer.Deserialize(bytes, DispatcherJsonContext.Default.TieOutRunRequest) ?? new TieOutRunRequest();
        }
        catch (JsonException ex)
        {
            return Results.Problem("The body must be empty or a JSON object {\"tenants\": [...], \"as_at\": \"YYYY-MM-DD\", \"months\": N}: " + Identifiers.Sanitize(ex.Message, 300), statusCode: 400);
        }

        if (tieOut.AsAt is not null && tieOut.Months is not null)
        {
            return Results.Problem("as_at names one date; months the last N month ends: give one of them.", statusCode: 400);
        }

        if (tieOut.Months is < 1 or > TieOutDates.MaxMonths)
        {
            return Results.Problem($"months must be from 1 to {TieOutDates.MaxMonths}.", statusCode: 400);
        }

        foreach (var tenant in tieOut.Tenants ?? [])
        {
            if (!Identifiers.IsValidTenantId(tenant))
            {
                return Results.Problem($"Invalid tenant id '{Identifiers.Printable(tenant)}'.", statusCode: 400);
            }
        }

        IReadOnlyList<DateOnly> dates = tieOut.AsAt is { } asAt
            ? [asAt]
            : TieOutDates.MonthEnds(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), tieOut.Months ?? TieOutDates.DefaultMonths);
        var connections = await xero.GetConnectionsAsync(cancellationToken);
        var wanted = tieOut.Tenants is { Count: > 0 } named ? new HashSet<string>(named, StringComparer.OrdinalIgnoreCase) : null;
        var tenants = connections.Where(c => wanted is null || wanted.Contains(c.TenantId)).ToList();
        if (tenants.Count == 0)
        {
            return Results.Problem("No connected organisation matches: nothing to tie out.", statusCode: 422);
        }

        await publisher.PublishTieOutsAsync([.. tenants.Select(t => new TieOutRequest { TenantId = t.TenantId, TenantName = t.TenantName, Dates = dates })], cancellationToken);
        return Results.Json(new TieOutAcceptedResponse([.. tenants.Select(t => t.TenantId)], dates), DispatcherJsonContext.Default.TieOutAcceptedResponse, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// The run request, or why it is refused: an over-long or malformed body, an unknown property, a tenant id that
    /// is not an id, an endpoint not in the catalog. All of it is decided here, before Xero is called.
    /// </summary>
    /// <summary>A request body of at most <see cref="MaxRunRequestBytes"/> bytes without a UTF-8 byte order mark, or why not.</summary>
    private static async Task<(byte[] Body, string? Problem)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxRunRequestBytes)
        {
            return ([], $"The body is too large: at most {MaxRunRequestBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxRunRequestBytes)
            {
                return ([], $"The body is too large: at most {MaxRunRequestBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        return (body.StartsWith("\uFEFF"u8) ? body[3..].ToArray() : body.ToArray(), null);
    }

    private static async Task<(RunRequest? Request, string? Problem)> ReadRunRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (bytes, tooLarge) = await ReadBodyAsync(request, cancellationToken);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }

        var body = bytes.AsSpan();
        RunRequest runRequest;
        try
        {
            runRequest = body.Trim(" \t\r\n"u8).IsEmpty
                ? new RunRequest()
                : JsonSerializer.Deserialize(body, PipelineJsonContext.Default.RunRequest) ?? new RunRequest();
        }
        catch (JsonException ex)
        {
            return (null, "The body must be empty or a JSON object {\"tenants\": [...], \"endpoints\": [...], \"full\": bool}: " + Identifiers.Sanitize(ex.Message, 300));
        }

        if (runRequest.CallBudget is < 0 or > 5000)
        {
            return (null, "call_budget must be from 0 to 5000 calls (Xero's day limit per organisation).");
        }

        foreach (var tenant in runRequest.Tenants ?? [])
        {
            if (!Identifiers.IsValidTenantId(tenant))
            {
                return (null, $"Invalid tenant id '{Identifiers.Printable(tenant)}'.");
            }
        }

        try
        {
            RunStarter.ResolveEndpoints(runRequest.Endpoints);
        }
        catch (ArgumentException ex)
        {
            return (null, ex.Message);
        }

        return (runRequest, null);
    }

    private static async Task<IResult> GetRunAsync(string runId, IRunLedger ledger, CancellationToken cancellationToken)
    {
        if (!Identifiers.IsValidRunId(runId))
        {
            return Results.Problem("Invalid run id.", statusCode: 400);
        }

        var state = await ledger.GetRunStateAsync(runId, cancellationToken);
        if (state is null)
        {
            return Results.NotFound();
        }

        var skipped = await ScopeNotes.ReadAsync(ledger, state.Endpoints, cancellationToken);

        // A reconcile's plans (call budgets and egress), or a full sync's under an egress budget (egress only).
        var plans = state.Run.Reconcile is null && !state.Run.Full ? null : await ledger.GetTenantPlansAsync(runId, cancellationToken);
        var budgets = state.Run.Reconcile is null ? null : plans?
            .Select(p => p.Budget)
            .Select(b => new ReconcileBudgetResponse(b.TenantId, b.DayRemaining, b.Reserve, b.Requested, b.ProbeCalls, b.Budget, b.Refused))
            .ToList();
        var egressDeferred = plans?
            .SelectMany(p => p.Endpoints)
            .Where(e => e.Note is not null)
            .Select(e => new EgressDeferralStatus(e.TenantId, e.Endpoint, e.EstimatedBytes, e.Note!))
            .ToList();
        return Results.Json(
            RunStatusResponse.From(state) with { Skipped = [.. skipped.Select(SkipStatus.From)], Budgets = budgets, EgressDeferred = egressDeferred },
            DispatcherJsonContext.Default.RunStatusResponse);
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
