using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using XeroSync.XeroSimulator.Data;

namespace XeroSync.XeroSimulator.Api;

/// <summary>What a GET answers: 200 with an envelope, 400 with Xero's validation body, or 404.</summary>
internal sealed record QueryResult(int Status, byte[] Body)
{
    public static QueryResult Ok(byte[] body) => new(StatusCodes.Status200OK, body);

    public static QueryResult NotFound() => new(StatusCodes.Status404NotFound, Encoding.UTF8.GetBytes("The resource you're looking for cannot be found"));

    public static QueryResult ValidationError(string message) => new(
        StatusCodes.Status400BadRequest,
        JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, object> { ["ErrorNumber"] = 10, ["Type"] = "ValidationException", ["Message"] = message },
            RecordJson.Options));
}
