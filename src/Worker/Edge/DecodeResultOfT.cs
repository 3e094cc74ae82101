using System.Diagnostics.CodeAnalysis;

namespace XeroSync.Worker.Edge;

/// <summary>Either a decoded value or the reason the input is poison (malformed, never decodable).</summary>
public sealed record DecodeResult<T>
    where T : notnull
{
    internal DecodeResult(T? value, string? poisonReason)
    {
        Value = value;
        PoisonReason = poisonReason;
    }

    /// <summary>The decoded value when <see cref="IsSuccess"/>.</summary>
    public T? Value { get; }

    /// <summary>Why the input is poison when not <see cref="IsSuccess"/>.</summary>
    public string? PoisonReason { get; }

    /// <summary>True when <see cref="Value"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(PoisonReason))]
    public bool IsSuccess => PoisonReason is null;

    /// <summary>True when <see cref="PoisonReason"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(PoisonReason))]
    [MemberNotNullWhen(false, nameof(Value))]
    public bool IsPoison => PoisonReason is not null;

    public override string ToString() => IsSuccess ? $"Success({Value})" : $"Poison({PoisonReason})";
}
