namespace XeroSync.Xero;

/// <summary>
/// What reading one page (or failing to) cost at Xero: HTTP calls answered (retries and 429s included) and the bodies'
/// bytes as received on the wire (compressed where Xero compressed) and as decoded.
/// </summary>
public sealed record XeroUsage(int Calls, long BytesReceived, long BytesDecoded)
{
    public static XeroUsage None { get; } = new(0, 0, 0);

    public bool IsEmpty => Calls == 0 && BytesReceived == 0 && BytesDecoded == 0;
}
