using System.Text.Json.Serialization;

namespace XeroSync.Ledger;

/// <summary>Source-generated JSON for ledger values both stores keep as one serialised field (the reconcile plan).</summary>
[JsonSourceGenerationOptions(AllowDuplicateProperties = false)]
[JsonSerializable(typeof(ReconcilePlan))]
public sealed partial class ReconcileJsonContext : JsonSerializerContext;
