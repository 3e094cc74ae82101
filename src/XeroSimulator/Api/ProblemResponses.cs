using System.Text.Json;
using Microsoft.AspNetCore.Http;
using XeroSync.XeroSimulator.Data;

namespace XeroSync.XeroSimulator.Api;

/// <summary>Xero's ProblemDetails-style 401/403 bodies and other error bodies.</summary>
internal static class ProblemResponses
{
    public static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized && string.IsNullOrEmpty(context.Response.Headers.WWWAuthenticate))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        }

        var body = new Dictionary<string, object?>
        {
            ["Type"] = null,
            ["Title"] = title,
            ["Status"] = status,
            ["Detail"] = detail,
            ["Instance"] = Guid.NewGuid().ToString(),
            ["Extensions"] = new Dictionary<string, object>(),
        };
        return WriteJsonAsync(context, status, JsonSerializer.SerializeToUtf8Bytes(body, RecordJson.Options));
    }

    public static async Task WriteJsonAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    public static Task WriteTextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
