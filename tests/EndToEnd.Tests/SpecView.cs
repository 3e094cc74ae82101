namespace XeroSync.Tests;

/// <summary>One typed view as <see cref="XeroViewSpec"/> writes it down from Xero's documents.</summary>
/// <param name="Name">The view in xero_typed.</param>
/// <param name="Endpoint">The Xero collection its rows come from.</param>
/// <param name="Detail">Whether they come from the by-id call (budgets' lines, groups' members) rather than the list.</param>
/// <param name="Array">The array a child view unnests; null for a record view.</param>
/// <param name="Status">The record's status field; null when it has none (or for a child view).</param>
/// <param name="Parent">A child view's columns taken from the parent record.</param>
/// <param name="Columns">The columns taken from the record (record view) or the array element (child view).</param>
internal sealed record SpecView(
    string Name,
    string Endpoint,
    bool Detail,
    string? Array,
    string? Status,
    IReadOnlyList<(string Column, string Path, SpecType Type)> Parent,
    IReadOnlyList<(string Column, string Path, SpecType Type)> Columns);
