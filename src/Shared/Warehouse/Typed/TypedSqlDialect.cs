using System.Text;
using System.Text.RegularExpressions;

namespace XeroSync.Warehouse.Typed;

/// <summary>
/// Turns a <see cref="TypedView"/> description into one SELECT for a SQL engine. The statement's shape is the
/// same for every engine; a dialect only says how to read a JSON value, convert it to each <see cref="TypedKind"/>
/// and unnest an array. So DuckDB and BigQuery views have the same columns, in the same order, by construction.
/// </summary>
public abstract partial class TypedSqlDialect
{
    /// <summary>The 1-based position of an element within its array, on every child view.</summary>
    public const string ItemIndexColumn = "item_index";

    /// <summary>
    /// When a reconcile found the record gone from Xero (NULL while Xero still serves it), from the latest view: last on
    /// every view, and on a child view the parent's, so the lines of a deleted record are recognisable.
    /// </summary>
    public const string DeletedAtColumn = "deleted_at";

    /// <summary>The view's SELECT over <paramref name="latestView"/> (already quoted/qualified for this engine).</summary>
    public string ViewSql(TypedView view, string latestView)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentException.ThrowIfNullOrWhiteSpace(latestView);
        Validate(view);
        var select = new List<string> { "r.tenant_id AS tenant_id" };
        string from;
        if (view.ArrayPath is { } arrayPath)
        {
            foreach (var column in view.ParentColumns ?? [])
            {
                select.Add(Column(column, "r.payload"));
            }

            select.Add($"{ItemIndex()} AS {ItemIndexColumn}");
            if (view.NestedArrayPath is { } nestedPath)
            {
                foreach (var column in view.ElementColumns ?? [])
                {
                    select.Add(Column(column, ElementExpression));
                }

                select.Add($"{NestedIndex()} AS {view.NestedIndexColumn}");
            }

            foreach (var column in view.Columns)
            {
                select.Add(Column(column, view.IsNested ? NestedElementExpression : ElementExpression));
            }

            select.Add($"r.deleted_at AS {DeletedAtColumn}");
            from = view.NestedArrayPath is { } nested ? NestedFrom(latestView, arrayPath, nested) : ChildFrom(latestView, arrayPath);
        }
        else
        {
            foreach (var column in view.Columns)
            {
                select.Add(Column(column, "r.payload"));
            }

            if (view.StatusPath is { } statusPath)
            {
                var status = JsonText("r.payload", statusPath);
                select.Add($"{status} AS status");
                select.Add($"COALESCE({status} = 'DELETED', FALSE) AS is_deleted");
                select.Add($"COALESCE({status} = 'VOIDED', FALSE) AS is_voided");
            }

            select.Add("r.updated_at AS updated_at");
            select.Add($"r.deleted_at AS {DeletedAtColumn}");
            from = $"{latestView} AS r";
        }

        var sql = new StringBuilder("SELECT\n");
        sql.AppendJoin(",\n", select.Select(s => "  " + s));
        sql.Append("\nFROM ").Append(from);
        return sql.ToString();
    }

    /// <summary>The view's column names in order, as <see cref="ViewSql"/> selects them.</summary>
    public static IReadOnlyList<string> ColumnNames(TypedView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var names = new List<string> { "tenant_id" };
        if (view.IsChild)
        {
            names.AddRange((view.ParentColumns ?? []).Select(c => c.Name));
            names.Add(ItemIndexColumn);
            if (view.IsNested)
            {
                names.AddRange((view.ElementColumns ?? []).Select(c => c.Name));
                names.Add(view.NestedIndexColumn ?? string.Empty);
            }

            names.AddRange(view.Columns.Select(c => c.Name));
            names.Add(DeletedAtColumn);
        }
        else
        {
            names.AddRange(view.Columns.Select(c => c.Name));
            if (view.StatusPath is not null)
            {
                names.AddRange(["status", "is_deleted", "is_voided"]);
            }

            names.Add("updated_at");
            names.Add(DeletedAtColumn);
        }

        return names;
    }

    /// <summary>The expression naming the current array element in a child view's FROM.</summary>
    protected abstract string ElementExpression { get; }

    /// <summary>The JSON value at <paramref name="path"/> (dotted, from the root) of <paramref name="json"/> as a string, NULL when absent.</summary>
    protected abstract string JsonText(string json, string path);

    protected abstract string ToDecimal(string text);

    protected abstract string ToInteger(string text);

    protected abstract string ToBoolean(string text);

    /// <summary>A Xero date string (<c>/Date(ms+hhmm)/</c> or ISO 8601) as a UTC timestamp.</summary>
    protected abstract string ToTimestamp(string text);

    protected abstract string ToDate(string timestamp);

    /// <summary>FROM <paramref name="latestView"/> AS r joined with one row per element of the array at <paramref name="arrayPath"/>.</summary>
    protected abstract string ChildFrom(string latestView, string arrayPath);

    /// <summary>The 1-based element position expression.</summary>
    protected abstract string ItemIndex();

    /// <summary>The expression naming the current inner array element in a nested child view's FROM.</summary>
    protected abstract string NestedElementExpression { get; }

    /// <summary><see cref="ChildFrom"/> joined with one row per element of the array at <paramref name="nestedPath"/> inside each element.</summary>
    protected abstract string NestedFrom(string latestView, string arrayPath, string nestedPath);

    /// <summary>The 1-based inner element position expression.</summary>
    protected abstract string NestedIndex();

    private string Column(TypedColumn column, string json)
    {
        var text = JsonText(json, column.Path);
        var expression = column.Kind switch
        {
            TypedKind.Text => text,
            TypedKind.Number => ToDecimal(text),
            TypedKind.WholeNumber => ToInteger(text),
            TypedKind.Boolean => ToBoolean(text),
            TypedKind.Timestamp => ToTimestamp(text),
            TypedKind.Date => ToDate(ToTimestamp(text)),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Kind, "Unknown column kind."),
        };
        return $"{expression} AS {column.Name}";
    }

    /// <summary>Names and paths come from the catalog, never from outside, but are checked before they reach SQL.</summary>
    private static void Validate(TypedView view)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in ColumnNames(view).Prepend(view.Name).Prepend(view.Table))
        {
            if (!NamePattern().IsMatch(name))
            {
                throw new ArgumentException($"'{Identifiers.Printable(name)}' is not a snake_case name.", nameof(view));
            }
        }

        foreach (var name in ColumnNames(view))
        {
            if (!names.Add(name))
            {
                throw new ArgumentException($"View {view.Name} has two columns named {name}.", nameof(view));
            }
        }

        if (view.IsNested != (view.NestedIndexColumn is not null) || (view.IsNested && !view.IsChild))
        {
            throw new ArgumentException($"View {view.Name}: a nested array needs an outer array and an index column.", nameof(view));
        }

        foreach (var path in view.Columns.Concat(view.ParentColumns ?? []).Concat(view.ElementColumns ?? []).Select(c => c.Path)
                     .Append(view.StatusPath).Append(view.ArrayPath).Append(view.NestedArrayPath))
        {
            if (path is not null && !PathPattern().IsMatch(path))
            {
                throw new ArgumentException($"'{Identifiers.Printable(path)}' is not a dotted JSON path of Xero field names.", nameof(view));
            }
        }
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();
}
