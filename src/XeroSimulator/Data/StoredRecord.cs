using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>One record as served: its JSON bytes plus the metadata paging and filtering need.</summary>
internal sealed class StoredRecord
{
    private byte[]? _summaryJson;

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
