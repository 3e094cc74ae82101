namespace XeroSync.Google.Firestore;

/// <summary>
/// One write of a commit: an <c>update</c> (with optional mask and transforms) or a <c>delete</c>, with an optional
/// precondition. Document names may be full names or paths relative to the database's documents root.
/// </summary>
public sealed record FirestoreWrite
{
    public FirestoreDocument? Update { get; init; }

    /// <summary>Name of the document to delete.</summary>
    public string? Delete { get; init; }

    public FirestoreDocumentMask? UpdateMask { get; init; }

    public IReadOnlyList<FirestoreFieldTransform>? UpdateTransforms { get; init; }

    public FirestorePrecondition? CurrentDocument { get; init; }

    /// <summary>Creates the document only if absent (<c>exists:false</c>).</summary>
    public static FirestoreWrite Create(string name, IReadOnlyDictionary<string, FirestoreValue> fields) =>
        new() { Update = new FirestoreDocument(name, fields), CurrentDocument = FirestorePrecondition.MustNotExist };

    /// <summary>Creates or replaces the whole document.</summary>
    public static FirestoreWrite Set(string name, IReadOnlyDictionary<string, FirestoreValue> fields, FirestorePrecondition? precondition = null) =>
        new() { Update = new FirestoreDocument(name, fields), CurrentDocument = precondition };

    /// <summary>Writes only the given fields (mask = their names), keeping the others; the document must exist unless a precondition says otherwise.</summary>
    public static FirestoreWrite Merge(string name, IReadOnlyDictionary<string, FirestoreValue> fields, FirestorePrecondition? precondition = null) =>
        new()
        {
            Update = new FirestoreDocument(name, fields),
            UpdateMask = new FirestoreDocumentMask([.. fields.Keys]),
            CurrentDocument = precondition,
        };

    /// <summary>Applies only field transforms (empty mask); creates the document when absent unless a precondition says otherwise.</summary>
    public static FirestoreWrite Transform(string name, IReadOnlyList<FirestoreFieldTransform> transforms, FirestorePrecondition? precondition = null) =>
        new()
        {
            Update = new FirestoreDocument(name, new Dictionary<string, FirestoreValue>()),
            UpdateMask = new FirestoreDocumentMask([]),
            UpdateTransforms = transforms,
            CurrentDocument = precondition,
        };

    /// <summary>Deletes the document.</summary>
    public static FirestoreWrite DeleteDocument(string name, FirestorePrecondition? precondition = null) =>
        new() { Delete = name, CurrentDocument = precondition };

    /// <summary>This write plus field transforms.</summary>
    public FirestoreWrite WithTransforms(params FirestoreFieldTransform[] transforms) => this with { UpdateTransforms = transforms };
}
