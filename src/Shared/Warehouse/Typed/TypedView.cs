namespace XeroSync.Warehouse.Typed;

/// <summary>
/// One typed view over an endpoint's latest view. A record view has one row per record; a child view
/// (<see cref="ArrayPath"/> set) has one row per element of a nested array, with the parent's key columns first; a
/// nested child view (<see cref="NestedArrayPath"/> set too) one row per element of an array inside each element
/// (the tracking of each line, the periods of each budget line).
/// </summary>
/// <param name="Name">The view's name in the typed schema/dataset (<c>invoices</c>, <c>invoice_line_items</c>).</param>
/// <param name="Table">The endpoint's table name: the latest view it reads (<c>xero.invoices</c>).</param>
/// <param name="Columns">For a record view, from the record; for a child view, from each array element; for a nested child view, from each inner element.</param>
/// <param name="StatusPath">Where the record's status is: adds <c>status</c>, <c>is_deleted</c>, <c>is_voided</c> (record views).</param>
/// <param name="ArrayPath">The nested array a child view unnests (<c>LineItems</c>); null for a record view.</param>
/// <param name="ParentColumns">Columns of the parent record repeated on every child row (its id first).</param>
/// <param name="NestedArrayPath">The array inside each element of <paramref name="ArrayPath"/> a nested child view unnests (<c>Tracking</c>).</param>
/// <param name="ElementColumns">Columns of the outer element (the line) repeated on every row of a nested child view.</param>
/// <param name="NestedIndexColumn">The 1-based position within the inner array (<c>tracking_index</c>).</param>
public sealed record TypedView(
    string Name,
    string Table,
    IReadOnlyList<TypedColumn> Columns,
    string? StatusPath = null,
    string? ArrayPath = null,
    IReadOnlyList<TypedColumn>? ParentColumns = null,
    string? NestedArrayPath = null,
    IReadOnlyList<TypedColumn>? ElementColumns = null,
    string? NestedIndexColumn = null)
{
    public bool IsChild => ArrayPath is not null;

    public bool IsNested => NestedArrayPath is not null;
}
