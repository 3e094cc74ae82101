namespace XeroSync.Ledger;

/// <summary>
/// What an organisation's reads cost at Xero on one UTC day: calls answered (retries and 429s included) and response
/// bytes as received on the wire (compressed where Xero compressed) and as decoded.
/// </summary>
public sealed record DailyUsage(DateOnly Day, long Calls, long BytesReceived, long BytesDecoded);
