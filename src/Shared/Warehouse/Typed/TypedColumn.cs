namespace XeroSync.Warehouse.Typed;

/// <summary>One column of a typed view: its snake_case name, where it is in the JSON, and its type.</summary>
/// <param name="Name">Column name (snake_case, unique within the view).</param>
/// <param name="Path">Dotted JSON path from the record (or the array element of a child view): <c>Contact.ContactID</c>.</param>
/// <param name="Kind">The column's type.</param>
public sealed record TypedColumn(string Name, string Path, TypedKind Kind);
