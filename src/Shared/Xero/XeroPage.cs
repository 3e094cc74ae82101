using System.Text.Json;

namespace XeroSync.Xero;

/// <summary>
/// One parsed Xero response. Holds the pooled <see cref="JsonDocument"/> so each record's raw bytes can
/// be copied to the NDJSON object without re-serialising; dispose it when written.
/// </summary>
public sealed class XeroPage : IDisposable
{
    private readonly JsonDocument _document;

    internal XeroPage(JsonDocument document, JsonElement records, XeroPagination? pagination, DateTimeOffset? serverDate, int calls, int throttles)
    {
        _document = document;
        Records = records;
        Pagination = pagination;
        ServerDate = serverDate;
        Calls = calls;
        Throttles = throttles;
    }

    /// <summary>The collection array (e.g. the value of <c>Invoices</c>).</summary>
    public JsonElement Records { get; }

    public int Count => Records.GetArrayLength();

    public XeroPagination? Pagination { get; }

    /// <summary>The response's <c>Date</c> header (Xero's clock), when present.</summary>
    public DateTimeOffset? ServerDate { get; }

    /// <summary>HTTP calls this page took, retries and 429s included.</summary>
    public int Calls { get; }

    /// <summary>429 responses seen while fetching this page.</summary>
    public int Throttles { get; }

    /// <summary>Xero's <c>X-DayLimit-Remaining</c> on the last response, when sent: the organisation's calls left today.</summary>
    public int? DayRemaining { get; init; }

    public void Dispose() => _document.Dispose();
}
