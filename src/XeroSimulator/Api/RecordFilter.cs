using System.Text.Json;
using Microsoft.AspNetCore.Http;
using XeroSync.XeroSimulator.Data;

namespace XeroSync.XeroSimulator.Api;

/// <summary>
/// The filter parameters each list call takes (Xero-OpenAPI xero_accounting.yaml v16.1.0, GET /{endpoint}):
/// <c>where</c>; <c>IDs</c> (Contacts, Invoices, Budgets); <c>Statuses</c>, <c>ContactIDs</c> and
/// <c>InvoiceNumbers</c> (Invoices; InvoiceNumbers also Prepayments); <c>References</c> (Overpayments); and the
/// named fields of PurchaseOrders, Quotes and LinkedTransactions. A parameter the endpoint does not take is ignored,
/// as Xero ignores it. List values are comma separated.
/// </summary>
internal static class RecordFilter
{
    private static readonly HashSet<string> NoWhere = new(StringComparer.Ordinal)
    {
        "BrandingThemes", "Budgets", "Journals", "LinkedTransactions", "Organisation", "PurchaseOrders", "Quotes",
    };

    /// <summary>Narrows <paramref name="records"/> to those the request's filters match; false with a message for a filter that does not parse.</summary>
    public static bool TryApply(EndpointDefinition definition, IQueryCollection query, IEnumerable<StoredRecord> records, out IEnumerable<StoredRecord> filtered, out string error)
    {
        filtered = records;
        error = "";
        var tests = new List<Func<StoredRecord, JsonElement, bool>>();
        var name = definition.Name;
        if (!NoWhere.Contains(name) && query["where"].ToString() is { Length: > 0 } where)
        {
            if (!WhereClause.TryParse(where, out var predicate, out var problem))
            {
                error = $"The where parameter '{where}' is not valid: {problem}.";
                return false;
            }

            tests.Add((_, json) => predicate(json));
        }

        if (name is "Invoices" or "Contacts" or "Budgets")
        {
            AddSet(tests, query, "IDs", (r, _) => r.Id);
        }

        if (name == "Invoices")
        {
            AddSet(tests, query, "Statuses", (_, j) => Text(j, "Status"));
            AddSet(tests, query, "ContactIDs", (_, j) => j.TryGetProperty("Contact", out var c) ? Text(c, "ContactID") : null);
        }

        if (name is "Invoices" or "Prepayments")
        {
            AddSet(tests, query, "InvoiceNumbers", (_, j) => Text(j, "InvoiceNumber"));
        }

        if (name == "Overpayments")
        {
            AddSet(tests, query, "References", (_, j) => Text(j, "Reference"));
        }

        if (name is "PurchaseOrders" or "Quotes")
        {
            AddSet(tests, query, "Status", (_, j) => Text(j, "Status"));
            AddDate(tests, query, "DateFrom", "Date", after: true);
            AddDate(tests, query, "DateTo", "Date", after: false);
        }

        if (name == "Quotes")
        {
            AddSet(tests, query, "ContactID", (_, j) => j.TryGetProperty("Contact", out var c) ? Text(c, "ContactID") : null);
            AddSet(tests, query, "QuoteNumber", (_, j) => Text(j, "QuoteNumber"));
            AddDate(tests, query, "ExpiryDateFrom", "ExpiryDate", after: true);
            AddDate(tests, query, "ExpiryDateTo", "ExpiryDate", after: false);
        }

        if (name == "LinkedTransactions")
        {
            foreach (var field in (string[])["LinkedTransactionID", "SourceTransactionID", "TargetTransactionID", "ContactID", "Status"])
            {
                AddSet(tests, query, field, (_, j) => Text(j, field));
            }
        }

        if (tests.Count > 0)
        {
            filtered = records.Where(r =>
            {
                using var document = JsonDocument.Parse(r.Json);
                return tests.TrueForAll(t => t(r, document.RootElement));
            });
        }

        return true;
    }

    private static void AddSet(List<Func<StoredRecord, JsonElement, bool>> tests, IQueryCollection query, string parameter, Func<StoredRecord, JsonElement, string?> value)
    {
        if (query[parameter].ToString() is not { Length: > 0 } list)
        {
            return;
        }

        var wanted = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        tests.Add((r, j) => value(r, j) is { } v && wanted.Contains(v));
    }

    private static void AddDate(List<Func<StoredRecord, JsonElement, bool>> tests, IQueryCollection query, string parameter, string field, bool after)
    {
        if (query[parameter].ToString() is not { Length: > 0 } text || !DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var bound))
        {
            return;
        }

        var boundMs = bound.ToUnixTimeMilliseconds();
        tests.Add((_, j) => Text(j, field) is { } value && (after ? XeroDates.ParseMs(value) >= boundMs : XeroDates.ParseMs(value) <= boundMs));
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
