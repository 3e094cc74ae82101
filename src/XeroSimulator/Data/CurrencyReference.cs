namespace XeroSync.XeroSimulator.Data;

/// <summary>A foreign currency the organisation trades in; <paramref name="Rate"/> is units of it per unit of base currency (Xero's CurrencyRate).</summary>
internal sealed record CurrencyReference(string Code, decimal Rate);
