using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>One record as served: its JSON bytes plus the metadata paging, ordering and filtering need.</summary>
internal sealed class StoredRecord
{
    private static readonly string[] UnitFields = ["UnitAmount", "UnitPrice"];

    private byte[]? _summaryJson;
    private byte[]? _listJson;
    private byte[]? _twoDecimalJson;
    private byte[]? _twoDecimalSummaryJson;
    private byte[]? _twoDecimalListJson;

    public StoredRecord(string id, int order, long timestampMs, string? status, byte[] json)
    {
        Id = id;
        Order = order;
        Touch = order;
        TimestampMs = timestampMs;
        Status = status;
        Json = json;
    }

    public string Id { get; }

    /// <summary>Creation order within the collection (0-based, never reused); Journals: JournalNumber - 1.</summary>
    public int Order { get; }

    /// <summary>Tie-break for UpdatedDateUTC order: the collection's sequence at creation or at the last timestamp change.</summary>
    public long Touch { get; set; }

    /// <summary>Unix ms of the endpoint's timestamp field (UpdatedDateUTC / CreatedDateUTC); 0 when it has none.</summary>
    public long TimestampMs { get; private set; }

    public string? Status { get; private set; }

    /// <summary>The full record (what GET /{endpoint}/{id} and the paged list serve).</summary>
    public byte[] Json { get; private set; }

    public void Replace(long timestampMs, string? status, byte[] json)
    {
        TimestampMs = timestampMs;
        Status = status;
        Json = json;
        _summaryJson = null;
        _listJson = null;
        _twoDecimalJson = null;
        _twoDecimalSummaryJson = null;
        _twoDecimalListJson = null;
    }

    /// <summary>
    /// The full record (GET /{endpoint}/{id}), with unit amounts at four decimal places or, as Xero serves them
    /// without unitdp=4, rounded to two.
    /// </summary>
    public byte[] FullJson(bool fourDecimals) => fourDecimals ? Json : _twoDecimalJson ??= RoundUnitAmounts(Json);

    /// <summary>Xero without unitdp=4: UnitAmount and UnitPrice rounded to 2 dp (half away from zero), everything else as stored.</summary>
    private static byte[] RoundUnitAmounts(byte[] json)
    {
        var node = JsonNode.Parse(json)!;
        return Round(node) ? RecordJson.Serialize(node) : json;

        static bool Round(JsonNode? node)
        {
            var changed = false;
            if (node is JsonObject obj)
            {
                foreach (var name in UnitFields)
                {
                    if (obj[name] is JsonValue value && value.TryGetValue<decimal>(out var amount))
                    {
                        obj[name] = Math.Round(amount, 2, MidpointRounding.AwayFromZero) + 0.00m; // + 0.00m keeps two decimals in the text ("67.60")
                        changed = true;
                    }
                }

                foreach (var child in obj.Select(p => p.Value).ToList())
                {
                    changed |= Round(child);
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var child in array)
                {
                    changed |= Round(child);
                }
            }

            return changed;
        }
    }

    /// <summary>
    /// The record without <paramref name="drops"/> (Invoices without a page, summaryOnly=true); unit amounts at four
    /// decimal places, or rounded to two when <paramref name="fourDecimals"/> is false.
    /// </summary>
    public byte[] SummaryJson(IReadOnlyList<string> drops, bool fourDecimals = true)
    {
        if (_summaryJson is null)
        {
            var node = JsonNode.Parse(Json)!.AsObject();
            foreach (var field in drops)
            {
                node.Remove(field);
            }

            _summaryJson = RecordJson.Serialize(node);
        }

        return fourDecimals ? _summaryJson : _twoDecimalSummaryJson ??= RoundUnitAmounts(_summaryJson);
    }

    /// <summary>
    /// The record as a list call serves it: <paramref name="detailOnlyArray"/> emptied (Budgets without BudgetLines);
    /// unit amounts at four decimal places, or rounded to two when <paramref name="fourDecimals"/> is false.
    /// </summary>
    public byte[] ListJson(string? detailOnlyArray, bool fourDecimals = true)
    {
        if (detailOnlyArray is null)
        {
            return FullJson(fourDecimals);
        }

        if (_listJson is null)
        {
            var node = JsonNode.Parse(Json)!.AsObject();
            if (node.ContainsKey(detailOnlyArray))
            {
                node[detailOnlyArray] = new JsonArray();
            }

            _listJson = RecordJson.Serialize(node);
        }

        return fourDecimals ? _listJson : _twoDecimalListJson ??= RoundUnitAmounts(_listJson);
    }
}
