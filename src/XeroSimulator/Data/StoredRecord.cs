using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>One record as served: its JSON bytes plus the metadata paging, ordering and filtering need.</summary>
internal sealed class StoredRecord
{
    private byte[]? _summaryJson;
    private byte[]? _listJson;

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
    }

    /// <summary>The record without <paramref name="drops"/> (Invoices without a page, summaryOnly=true).</summary>
    public byte[] SummaryJson(IReadOnlyList<string> drops)
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

        return _summaryJson;
    }

    /// <summary>The record as a list call serves it: <paramref name="detailOnlyArray"/> emptied (Budgets without BudgetLines).</summary>
    public byte[] ListJson(string? detailOnlyArray)
    {
        if (detailOnlyArray is null)
        {
            return Json;
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

        return _listJson;
    }
}
