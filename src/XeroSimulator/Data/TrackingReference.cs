namespace XeroSync.XeroSimulator.Data;

/// <summary>A tracking category and its options; only active categories are put on new lines.</summary>
internal sealed record TrackingReference(string CategoryId, string CategoryName, IReadOnlyList<(string OptionId, string Name)> Options, bool Active = true);
