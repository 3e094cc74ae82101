namespace XeroSync.XeroSimulator.Data;

internal sealed record TrackingReference(string CategoryId, string CategoryName, IReadOnlyList<(string OptionId, string Name)> Options);
