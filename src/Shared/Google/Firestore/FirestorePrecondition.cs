namespace XeroSync.Google.Firestore;

/// <summary>A write's <c>currentDocument</c> precondition: <c>exists</c> or <c>updateTime</c> (exactly one).</summary>
public sealed record FirestorePrecondition(bool? Exists = null, string? UpdateTime = null)
{
    /// <summary>Create only if absent: a second writer gets <see cref="FirestoreAlreadyExistsException"/>.</summary>
    public static FirestorePrecondition MustNotExist { get; } = new(Exists: false);

    public static FirestorePrecondition MustExist { get; } = new(Exists: true);

    /// <summary>Only if the document was last updated at exactly <paramref name="updateTime"/> (as read).</summary>
    public static FirestorePrecondition UpdatedAt(string updateTime) => new(UpdateTime: updateTime);
}
