using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>One record as served: its JSON bytes plus the metadata paging and filtering need.</summary>
internal sealed class StoredRecord
{
    private static readonly string[] UnitFields = ["UnitAmount", "UnitPrice"];

    private byte[]? _summaryJson;
    private byte[]? _twoDecimalJson;
    private byte[]? _twoDecimalSummaryJson;

    public StoredRecord(string id, int order, long timestampMs, string? status, byte[] json)
    {
        Id = id;
        Order = order;
        TimestampMs = timestampMs;
        Status = status;
        Json = json;
    }

    public string Id { get; }

    /// <summary>Creation order within the collection (0-based); Journals: JournalNumber - 1.</summary>
    public int Order { get; }

    /// <summary>Unix ms of the endpoint's timestamp field (UpdatedDateUTC / CreatedDateUTC); 0 when it has none.</summary>
    public long TimestampMs { get; private set; }

    public string? Status { get; private set; }

    public byte[] Json { get; private set; }

    public void Replace(long timestampMs, string? status, byte[] json)
    {
        TimestampMs = timestampMs;
        Status = status;
        Json = json;
        _summaryJson = null;
        _twoDecimalJson = null;
        _twoDecimalSummaryJson = null;
    }

    /// <summary>The body served: full or summary, with unit amounts at four or (Xero's default) two decimal places.</summary>
    public byte[] Body(bool summary, bool fourDecimals) => (summary, fourDecimals) switch
    {
        (false, true) => Json,
        (true, true) => SummaryJson(),
        (false, false) => _twoDecimalJson ??= RoundUnitAmounts(Json),
        (true, false) => _twoDecimalSummaryJson ??= RoundUnitAmounts(SummaryJson()),
    };

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

    /// <summary>The record without LineItems (Invoices requested without a page).</summary>
    public byte[] SummaryJson()
    {
        if (_summaryJson is null)
        {
            var node = JsonNode.Parse(Json)!.AsObject();
            node.Remove("LineItems");
            _summaryJson = RecordJson.Serialize(node);
        }

        return _summaryJson;
    }
}
