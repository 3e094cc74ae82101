using System.Text.Json.Serialization;

namespace XeroSync.Ledger.Local;

/// <summary>Source-generated JSON for the run table's tenant and endpoint lists.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
