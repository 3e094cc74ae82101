namespace XeroSync.XeroSimulator.Data;

/// <summary>A general-ledger journal a source document posts, before it gets its JournalNumber.</summary>
internal sealed record JournalDraft(DateTimeOffset Created, DateTimeOffset Date, string SourceId, string SourceType, string Reference, IReadOnlyList<JournalLineDraft> Lines)
{
    /// <summary>The journal Xero posts when the source is voided: every line negated, in the source's period.</summary>
    public JournalDraft Reversal(DateTimeOffset created) => this with { Created = created, Lines = [.. Lines.Select(l => l.Reversed())] };
}
