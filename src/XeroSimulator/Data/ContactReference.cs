namespace XeroSync.XeroSimulator.Data;

/// <summary>A contact other records point at; <paramref name="Currency"/> is its DefaultCurrency, which its documents use.</summary>
internal sealed record ContactReference(string ContactId, string Name, string Currency = "NZD");
