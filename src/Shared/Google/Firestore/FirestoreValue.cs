using System.Globalization;
using System.Text.Json.Serialization;

namespace XeroSync.Google.Firestore;

/// <summary>
/// A Firestore <c>Value</c> in its REST JSON form: exactly one property is set. <c>integerValue</c> is a
/// decimal string (int64 in proto3 JSON); timestamps are RFC 3339 strings (nanosecond precision on the wire).
/// </summary>
public sealed record FirestoreValue
{
    public string? IntegerValue { get; init; }

    public double? DoubleValue { get; init; }

    public string? StringValue { get; init; }

    public string? TimestampValue { get; init; }

    public bool? BooleanValue { get; init; }

    /// <summary><c>"NULL_VALUE"</c> for a null.</summary>
    public string? NullValue { get; init; }

    public FirestoreMapValue? MapValue { get; init; }

    public FirestoreArrayValue? ArrayValue { get; init; }

    /// <summary>Base64 bytes.</summary>
    public string? BytesValue { get; init; }

    /// <summary>A document name.</summary>
    public string? ReferenceValue { get; init; }

    /// <summary>The null value.</summary>
    public static FirestoreValue Null { get; } = new() { NullValue = "NULL_VALUE" };

    public static FirestoreValue FromInteger(long value) => new() { IntegerValue = value.ToString(CultureInfo.InvariantCulture) };

    public static FirestoreValue FromDouble(double value) => new() { DoubleValue = value };

    public static FirestoreValue FromString(string value) => new() { StringValue = value };

    public static FirestoreValue FromBoolean(bool value) => new() { BooleanValue = value };

    /// <summary>A timestamp, written with microsecond precision in UTC.</summary>
    public static FirestoreValue FromTimestamp(DateTimeOffset value) =>
        new() { TimestampValue = value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) };

    public static FirestoreValue FromMap(IReadOnlyDictionary<string, FirestoreValue> fields) => new() { MapValue = new FirestoreMapValue(fields) };

    public static FirestoreValue FromArray(IReadOnlyList<FirestoreValue> values) => new() { ArrayValue = new FirestoreArrayValue(values) };

    [JsonIgnore]
    public bool IsNull => NullValue is not null;

    /// <summary>The integer, or null when this is not an integer value.</summary>
    public long? AsInteger() => IntegerValue is null ? null : long.Parse(IntegerValue, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>The number as a double (integer or double value), or null.</summary>
    public double? AsDouble() => DoubleValue ?? (IntegerValue is null ? null : AsInteger());

    /// <summary>The timestamp (sub-100 ns digits dropped), or null when this is not a timestamp value.</summary>
    public DateTimeOffset? AsTimestamp() => TimestampValue is null ? null : ParseTimestamp(TimestampValue);

    /// <summary>Parses an RFC 3339 timestamp with up to nine fractional digits.</summary>
    public static DateTimeOffset ParseTimestamp(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }
}
