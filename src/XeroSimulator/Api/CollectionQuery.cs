using System.Globalization;
using Microsoft.AspNetCore.Http;
using XeroSync.XeroSimulator.Data;

namespace XeroSync.XeroSimulator.Api;

/// <summary>Selects the records one GET returns: reveal filters, If-Modified-Since, then the endpoint's paging.</summary>
internal static class CollectionQuery
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public const int FixedPageSize = 100;

    public static byte[] Execute(RecordCollection collection, IQueryCollection query, DateTimeOffset? ifModifiedSince, DateTimeOffset now, string providerName)
    {
        var definition = collection.Definition;
        IEnumerable<StoredRecord> selected = collection.Records;
        if (definition.RevealParameter is not null && !IsTrue(query[definition.RevealParameter]))
        {
            selected = selected.Where(r => !collection.IsHiddenByDefault(r));
        }

        if (definition.SupportsIfModifiedSince && ifModifiedSince is { } since)
        {
            var sinceMs = since.ToUnixTimeMilliseconds();
            selected = selected.Where(r => r.TimestampMs >= sinceMs);
        }

        var page = Int(query["page"]);
        PaginationInfo? pagination = null;
        var summary = false;
        switch (definition.Paging)
        {
            case PagingMode.PageAndSize when page is null:
                summary = definition.Name == "Invoices";
                break;
            case PagingMode.PageAndSize:
                var list = selected.ToList();
                var pageSize = Math.Clamp(Int(query["pageSize"]) ?? DefaultPageSize, 1, MaxPageSize);
                var pageNumber = Math.Max(1, page.Value);
                pagination = new PaginationInfo(pageNumber, pageSize, (list.Count + pageSize - 1) / pageSize, list.Count);
                selected = list.Skip((pageNumber - 1) * pageSize).Take(pageSize);
                break;
            case PagingMode.PageOnly when page is not null:
                selected = selected.Skip((Math.Max(1, page.Value) - 1) * FixedPageSize).Take(FixedPageSize);
                break;
            case PagingMode.Offset:
                var offset = Int(query["offset"]) ?? 0;
                selected = selected.Where(r => r.Order + 1 > offset).Take(FixedPageSize);
                break;
            default:
                break;
        }

        // Where Xero takes unitdp, it rounds unit amounts to 2 dp unless unitdp=4; elsewhere records hold 2 dp already.
        var fourDecimals = !definition.AcceptsUnitDp || Int(query["unitdp"]) == 4;
        var bodies = selected.Select(r => r.Body(summary, fourDecimals));
        return EnvelopeWriter.Write(definition.CollectionProperty, bodies, pagination, now, providerName);
    }

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    private static int? Int(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;
}
