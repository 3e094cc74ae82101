using System.Globalization;
using Microsoft.AspNetCore.Http;
using XeroSync.XeroSimulator.Data;

namespace XeroSync.XeroSimulator.Api;

/// <summary>
/// Selects the records one GET returns: reveal filters, If-Modified-Since, order (the request's, else the behaviour's
/// default), then the endpoint's paging (capped by the behaviour) and the record form (summary, list or full).
/// </summary>
internal static class CollectionQuery
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public const int FixedPageSize = 100;

    public static QueryResult Execute(RecordCollection collection, IQueryCollection query, DateTimeOffset? ifModifiedSince, DateTimeOffset now, string providerName, SimulatorBehaviour behaviour)
    {
        var definition = collection.Definition;
        IEnumerable<StoredRecord> selected = collection.InDefaultOrder(behaviour.DefaultOrder);
        if (definition.RevealParameter is not null && !IsTrue(query[definition.RevealParameter]))
        {
            selected = selected.Where(r => !collection.IsHiddenByDefault(r));
        }

        if (definition.Name == "Journals" && behaviour.HiddenJournalNumbers.Count > 0)
        {
            var hidden = behaviour.HiddenJournalNumbers.ToHashSet();
            selected = selected.Where(r => !hidden.Contains(r.Order + 1));
        }

        if (!RecordFilter.TryApply(definition, query, selected, out selected, out var filterError))
        {
            return QueryResult.ValidationError(filterError);
        }

        if (definition.SupportsIfModifiedSince && ifModifiedSince is { } since)
        {
            var sinceMs = since.ToUnixTimeMilliseconds();
            selected = selected.Where(r => r.TimestampMs >= sinceMs);
        }

        if (definition.SupportsOrder && query["order"].ToString() is { Length: > 0 } order)
        {
            if (!ListOrdering.TryApply(order, definition, selected, out selected))
            {
                return QueryResult.ValidationError($"The order parameter '{order}' is not valid: use 'Field [ASC|DESC]'.");
            }
        }

        var page = Int(query["page"]);
        var summaryOnly = definition.SummaryOnlyDrops is not null && IsTrue(query["summaryOnly"]);
        PaginationInfo? pagination = null;
        var summary = summaryOnly;
        switch (definition.Paging)
        {
            case PagingMode.PageAndSize when page is null:
                summary |= definition.Name == "Invoices";
                break;
            case PagingMode.PageAndSize:
                var list = selected.ToList();
                var pageSize = Math.Clamp(Int(query["pageSize"]) ?? DefaultPageSize, 1, MaxPageSize);
                if (!summaryOnly && behaviour.PageSizeCap is { } cap)
                {
                    pageSize = Math.Min(pageSize, cap);
                }

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
        var fourDecimals = FourDecimals(definition, query);
        var bodies = summary
            ? selected.Select(r => r.SummaryJson(definition.SummaryOnlyDrops!, fourDecimals))
            : selected.Select(r => r.ListJson(definition.DetailOnlyArray, fourDecimals));
        return QueryResult.Ok(EnvelopeWriter.Write(definition.CollectionProperty, bodies, pagination, now, providerName));
    }

    /// <summary>Whether unit amounts are served at four decimal places: always where Xero has no unitdp, else only with unitdp=4.</summary>
    public static bool FourDecimals(EndpointDefinition definition, IQueryCollection query) =>
        !definition.AcceptsUnitDp || Int(query["unitdp"]) == 4;

    /// <summary>GET /{endpoint}/{id}: the one record in full (an array of one, as the list's envelope), or 404.</summary>
    public static QueryResult Single(RecordCollection collection, string id, Func<StoredRecord, byte[]> detail, DateTimeOffset now, string providerName)
    {
        var record = collection.Find(id);
        return record is null
            ? QueryResult.NotFound()
            : QueryResult.Ok(EnvelopeWriter.Write(collection.Definition.CollectionProperty, [detail(record)], null, now, providerName));
    }

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    private static int? Int(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;
}
