namespace XeroSync.Worker.Edge;

/// <summary>Factory for <see cref="DecodeResult{T}"/>.</summary>
public static class DecodeResult
{
    /// <summary>A successfully decoded value.</summary>
    public static DecodeResult<T> Success<T>(T value)
        where T : notnull => new(value, null);

    /// <summary>Input that can never be decoded (ack it and log; redelivery will not help).</summary>
    public static DecodeResult<T> Poison<T>(string reason)
        where T : notnull => new(default, reason);
}
