namespace XeroSync.Google.Firestore;

/// <summary>A server-side field transform; its result comes back in <see cref="FirestoreWriteResult.TransformResults"/>.</summary>
public sealed record FirestoreFieldTransform(string FieldPath)
{
    public FirestoreValue? Increment { get; init; }

    public FirestoreValue? Maximum { get; init; }

    public FirestoreValue? Minimum { get; init; }

    /// <summary><c>REQUEST_TIME</c>.</summary>
    public string? SetToServerValue { get; init; }

    public static FirestoreFieldTransform IncrementBy(string fieldPath, long delta) => new(fieldPath) { Increment = FirestoreValue.FromInteger(delta) };

    public static FirestoreFieldTransform IncrementBy(string fieldPath, double delta) => new(fieldPath) { Increment = FirestoreValue.FromDouble(delta) };

    public static FirestoreFieldTransform MaximumOf(string fieldPath, FirestoreValue value) => new(fieldPath) { Maximum = value };

    public static FirestoreFieldTransform MinimumOf(string fieldPath, FirestoreValue value) => new(fieldPath) { Minimum = value };

    public static FirestoreFieldTransform RequestTime(string fieldPath) => new(fieldPath) { SetToServerValue = "REQUEST_TIME" };
}
