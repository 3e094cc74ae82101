using XeroSync.Warehouse.Typed;

namespace XeroSync.Warehouse.BigQuery;

/// <summary>BigQuery GoogleSQL for the typed views: JSON_VALUE, SAFE_CAST to NUMERIC/INT64/BOOL, TIMESTAMP_MILLIS, UNNEST WITH OFFSET.</summary>
public sealed class BigQueryTypedDialect : TypedSqlDialect
{
    public static BigQueryTypedDialect Instance { get; } = new();

    protected override string ElementExpression => "element";

    protected override string JsonText(string json, string path) => $"JSON_VALUE({json}, '$.{path}')";

    protected override string ToDecimal(string text) => $"SAFE_CAST({text} AS NUMERIC)";

    protected override string ToInteger(string text) => $"SAFE_CAST({text} AS INT64)";

    protected override string ToBoolean(string text) => $"SAFE_CAST({text} AS BOOL)";

    protected override string ToTimestamp(string text) =>
        $"CASE WHEN STARTS_WITH({text}, '/Date(') THEN TIMESTAMP_MILLIS(SAFE_CAST(REGEXP_EXTRACT({text}, '^/Date[(]([-0-9]+)') AS INT64)) ELSE SAFE_CAST({text} AS TIMESTAMP) END";

    protected override string ToDate(string timestamp) => $"DATE({timestamp})";

    protected override string ChildFrom(string latestView, string arrayPath) =>
        $"{latestView} AS r CROSS JOIN UNNEST(JSON_QUERY_ARRAY(r.payload, '$.{arrayPath}')) AS element WITH OFFSET AS element_offset";

    protected override string ItemIndex() => "element_offset + 1";

    protected override string NestedElementExpression => "nested_element";

    protected override string NestedFrom(string latestView, string arrayPath, string nestedPath) =>
        $"{ChildFrom(latestView, arrayPath)} CROSS JOIN UNNEST(JSON_QUERY_ARRAY(element, '$.{nestedPath}')) AS nested_element WITH OFFSET AS nested_offset";

    protected override string NestedIndex() => "nested_offset + 1";
}
