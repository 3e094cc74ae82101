using Microsoft.AspNetCore.Http;

namespace XeroSync.XeroSimulator;

/// <summary>
/// Logs API and /connections requests once their responses are complete, with the body bytes sent on the wire (after
/// compression): handlers hand their log entry over with <see cref="Defer"/>, the outermost middleware logs it.
/// </summary>
internal static class ResponseLog
{
    private static readonly object PendingKey = new();

    public static void Defer(HttpContext context, SimulatedRequest request) => context.Items[PendingKey] = request;

    public static async Task MeterAsync(HttpContext context, RequestDelegate next, SimulatorState state)
    {
        var body = new CountingResponseStream(context.Response.Body);
        context.Response.Body = body;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body.Inner;
            if (context.Items.TryGetValue(PendingKey, out var pending) && pending is SimulatedRequest request)
            {
                state.Log(request with { BytesSent = body.Count });
            }
        }
    }
}
