using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>The records of one endpoint for one tenant, in creation order.</summary>
internal sealed class RecordCollection
{
    private readonly List<StoredRecord> _records = [];
    private readonly Dictionary<string, StoredRecord> _byId = new(StringComparer.Ordinal);

    public RecordCollection(EndpointDefinition definition) => Definition = definition;

    public EndpointDefinition Definition { get; }

    public IReadOnlyList<StoredRecord> Records => _records;

    public StoredRecord Add(JsonObject record)
    {
        var id = KeyOf(record);
        var stored = new StoredRecord(id, _records.Count, TimestampOf(record), StatusOf(record), RecordJson.Serialize(record));
        _records.Add(stored);
        _byId.Add(id, stored);
        return stored;
    }

    public void Replace(StoredRecord stored, JsonObject record) =>
        stored.Replace(TimestampOf(record), StatusOf(record), RecordJson.Serialize(record));

    /// <summary>Whether the record is visible without the endpoint's reveal parameter (e.g. includeArchived).</summary>
    public bool IsHiddenByDefault(StoredRecord record) =>
        Definition.HiddenStatus is not null && string.Equals(record.Status, Definition.HiddenStatus, StringComparison.Ordinal);

    private string KeyOf(JsonObject record) =>
        record[Definition.KeyField]?.GetValue<string>() ?? throw new InvalidOperationException($"{Definition.Name} record without {Definition.KeyField}.");

    private long TimestampOf(JsonObject record) =>
        Definition.TimestampField is null ? 0 : XeroDates.ParseMs(record[Definition.TimestampField]?.GetValue<string>());

    private static string? StatusOf(JsonObject record) =>
        (record["ContactStatus"] ?? record["Status"]) is JsonValue value && value.TryGetValue<string>(out var status) ? status : null;
}
