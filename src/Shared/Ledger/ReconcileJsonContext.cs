using System.Text.Json.Serialization;

namespace XeroSync.Ledger;

/// <summary>Source-generated JSON for ledger values both stores keep as one serialised field (the reconcile plan, a tenant's plan).</summary>
[JsonSourceGenerationOptions(AllowDuplicateProperties = false, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ReconcilePlan))]
[JsonSerializable(typeof(TenantReconcilePlan))]
public sealed partial class ReconcileJsonContext : JsonSerializerContext;
