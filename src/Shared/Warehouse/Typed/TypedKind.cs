namespace XeroSync.Warehouse.Typed;

/// <summary>What a typed column holds; each dialect maps it to its own SQL type and conversion.</summary>
public enum TypedKind
{
    /// <summary>A string as Xero sent it (ids, codes, names, statuses).</summary>
    Text,

    /// <summary>An exact number: DuckDB <c>DECIMAL(38,9)</c>, BigQuery <c>NUMERIC</c>; never a float.</summary>
    Number,

    /// <summary>A whole number: <c>BIGINT</c> / <c>INT64</c>.</summary>
    WholeNumber,

    /// <summary>A JSON boolean (or Xero's occasional "true"/"false" string).</summary>
    Boolean,

    /// <summary>A UTC instant from Xero's <c>/Date(ms+hhmm)/</c> or an ISO 8601 string: <c>TIMESTAMP</c>.</summary>
    Timestamp,

    /// <summary>The calendar day of a Xero date (<c>/Date(ms+0000)/</c> at UTC midnight, or ISO): <c>DATE</c>.</summary>
    Date,
}
