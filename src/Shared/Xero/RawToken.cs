using System.Text.Json;

namespace XeroSync.Xero;

/// <summary>Where one JSON value sits in a response body: its first byte, its length and its token type (<see cref="JsonTokenType.None"/> when absent).</summary>
internal readonly record struct RawToken(int Start, int Length, JsonTokenType Type)
{
    public bool IsPresent => Type != JsonTokenType.None;
}
