namespace XeroSync.XeroSimulator.Data;

internal sealed record AccountReference(string AccountId, string Code, string Name, string Type);
