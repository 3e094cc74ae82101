using XeroSync.Google.Firestore;

namespace XeroSync.Ledger.Firestore;

/// <summary>Small readers over document fields (a Firestore null reads as absent).</summary>
internal static class FirestoreFields
{
    public static string? String(FirestoreDocument document, string name) =>
        document.Field(name) is { StringValue: { } value } ? value : null;

    public static long? Integer(FirestoreDocument document, string name) => document.Field(name)?.AsInteger();

    public static bool Boolean(FirestoreDocument document, string name) => document.Field(name)?.BooleanValue ?? false;

    public static DateTimeOffset? Timestamp(FirestoreDocument document, string name) => document.Field(name)?.AsTimestamp();

    public static IReadOnlyList<string> Strings(FirestoreDocument document, string name) =>
        document.Field(name)?.ArrayValue?.Values is { } values ? [.. values.Select(v => v.StringValue ?? string.Empty)] : [];

    public static IReadOnlyList<long> Integers(FirestoreDocument document, string name) =>
        document.Field(name)?.ArrayValue?.Values is { } values ? [.. values.Select(v => v.AsInteger() ?? 0)] : [];

    public static FirestoreValue OrNull(string? value) => value is null ? FirestoreValue.Null : FirestoreValue.FromString(value);

    public static FirestoreValue OrNull(long? value) => value is { } v ? FirestoreValue.FromInteger(v) : FirestoreValue.Null;
}
