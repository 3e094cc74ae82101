using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>The live records of one endpoint for one tenant, in creation order; hard-deleted records are removed.</summary>
internal sealed class RecordCollection
{
    private readonly List<StoredRecord> _records = [];
    private readonly Dictionary<string, StoredRecord> _byId = new(StringComparer.Ordinal);
    private int _nextOrder;
    private long _nextTouch;

    public RecordCollection(EndpointDefinition definition) => Definition = definition;

    public EndpointDefinition Definition { get; }

    public IReadOnlyList<StoredRecord> Records => _records;

    /// <summary>The 1-based number the next record gets (never reused after a delete).</summary>
    public int NextSequence => _nextOrder + 1;

    public StoredRecord Add(JsonObject record)
    {
        var id = KeyOf(record);
        var stored = new StoredRecord(id, _nextOrder++, TimestampOf(record), StatusOf(record), RecordJson.Serialize(record));
        stored.Touch = _nextTouch++;
        _records.Add(stored);
        _byId.Add(id, stored);
        return stored;
    }

    public StoredRecord? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Replaces the record's content; a changed timestamp also moves it to the end of the UpdatedDateUTC order.</summary>
    public void Replace(StoredRecord stored, JsonObject record)
    {
        var timestamp = TimestampOf(record);
        if (timestamp != stored.TimestampMs)
        {
            stored.Touch = _nextTouch++;
        }

        stored.Replace(timestamp, StatusOf(record), RecordJson.Serialize(record));
    }

    /// <summary>Hard delete: the record is gone from every list and GET by id.</summary>
    public void Remove(StoredRecord stored)
    {
        _records.Remove(stored);
        _byId.Remove(stored.Id);
    }

    /// <summary>Whether the record is visible without the endpoint's reveal parameter (e.g. includeArchived).</summary>
    public bool IsHiddenByDefault(StoredRecord record) =>
        Definition.HiddenStatus is not null && string.Equals(record.Status, Definition.HiddenStatus, StringComparison.Ordinal);

    /// <summary>The records in the order a list call without <c>order</c> returns them.</summary>
    public IEnumerable<StoredRecord> InDefaultOrder(ListOrder order) =>
        order == ListOrder.UpdatedDate && Definition.HasUpdatedDate
            ? _records.OrderBy(r => r.TimestampMs).ThenBy(r => r.Touch)
            : _records;

    private string KeyOf(JsonObject record) =>
        record[Definition.KeyField]?.GetValue<string>() ?? throw new InvalidOperationException($"{Definition.Name} record without {Definition.KeyField}.");

    private long TimestampOf(JsonObject record) =>
        Definition.TimestampField is null ? 0 : XeroDates.ParseMs(record[Definition.TimestampField]?.GetValue<string>());

    private static string? StatusOf(JsonObject record) =>
        (record["ContactStatus"] ?? record["Status"]) is JsonValue value && value.TryGetValue<string>(out var status) ? status : null;
}
