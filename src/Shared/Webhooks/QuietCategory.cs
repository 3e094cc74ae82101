namespace XeroSync.Webhooks;

/// <summary>A category found quiet: its activity when taken, and the limit its quiet spell went past.</summary>
public sealed record QuietCategory(CategoryActivity Activity, TimeSpan Limit);
