namespace XeroSync.XeroSimulator.Data;

internal sealed record ContactReference(string ContactId, string Name);
