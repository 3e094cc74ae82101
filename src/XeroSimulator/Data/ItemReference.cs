namespace XeroSync.XeroSimulator.Data;

/// <summary>An item lines can name by its Code.</summary>
internal sealed record ItemReference(string Code, string Description);
