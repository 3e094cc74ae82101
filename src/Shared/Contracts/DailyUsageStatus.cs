using System.Globalization;
using System.Text.Json.Serialization;
using XeroSync.Ledger;

namespace XeroSync.Contracts;

/// <summary>An organisation's Xero usage on one UTC day (<c>yyyy-MM-dd</c>) of a run.</summary>
public sealed record DailyUsageStatus(
    [property: JsonPropertyName("day")] string Day,
    [property: JsonPropertyName("calls")] long Calls,
    [property: JsonPropertyName("bytes_received")] long BytesReceived,
    [property: JsonPropertyName("bytes_decoded")] long BytesDecoded)
{
    public static DailyUsageStatus From(DailyUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return new DailyUsageStatus(usage.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), usage.Calls, usage.BytesReceived, usage.BytesDecoded);
    }
}
