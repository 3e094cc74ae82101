using XeroSync.Warehouse.Typed;

namespace XeroSync.Warehouse.Local;

/// <summary>DuckDB SQL for the typed views: json_extract_string, TRY_CAST to DECIMAL(38,9)/BIGINT/BOOLEAN, epoch_ms, unnest WITH ORDINALITY (twice for a nested array).</summary>
public sealed class DuckDbTypedDialect : TypedSqlDialect
{
    public static DuckDbTypedDialect Instance { get; } = new();

    protected override string ElementExpression => "c.element";

    protected override string JsonText(string json, string path) => $"json_extract_string({json}, '$.{path}')";

    protected override string ToDecimal(string text) => $"TRY_CAST({text} AS DECIMAL(38,9))";

    protected override string ToInteger(string text) => $"TRY_CAST({text} AS BIGINT)";

    protected override string ToBoolean(string text) => $"TRY_CAST({text} AS BOOLEAN)";

    protected override string ToTimestamp(string text) =>
        $"CASE WHEN starts_with({text}, '/Date(') THEN epoch_ms(TRY_CAST(regexp_extract({text}, '^/Date[(]([-0-9]+)', 1) AS BIGINT)) ELSE TRY_CAST({text} AS TIMESTAMP) END";

    protected override string ToDate(string timestamp) => $"CAST({timestamp} AS DATE)";

    protected override string ChildFrom(string latestView, string arrayPath) =>
        $"{latestView} AS r, unnest(json_extract(r.payload, '$.{arrayPath}[*]')) WITH ORDINALITY AS c(element, ordinal)";

    protected override string ItemIndex() => "c.ordinal";

    protected override string NestedElementExpression => "n.element";

    protected override string NestedFrom(string latestView, string arrayPath, string nestedPath) =>
        $"{ChildFrom(latestView, arrayPath)}, unnest(json_extract(c.element, '$.{nestedPath}[*]')) WITH ORDINALITY AS n(element, ordinal)";

    protected override string NestedIndex() => "n.ordinal";
}
