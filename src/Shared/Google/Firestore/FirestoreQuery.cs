namespace XeroSync.Google.Firestore;

/// <summary>A small typed structured query over one collection (relative to the documents root, or a parent document).</summary>
/// <param name="Collection">Collection id.</param>
public sealed record FirestoreQuery(string Collection)
{
    /// <summary>AND-ed field filters.</summary>
    public IReadOnlyList<FirestoreFieldFilter> Filters { get; init; } = [];

    public IReadOnlyList<FirestoreOrder> OrderBy { get; init; } = [];

    public int? Limit { get; init; }

    /// <summary>Parent document path (for sub-collections); null = the database root.</summary>
    public string? ParentDocument { get; init; }
}
