namespace XeroSync.Pipeline;

/// <summary>A page rendered as a gzipped NDJSON object.</summary>
/// <param name="MaxJournalNumber">Journals: the highest JournalNumber on the page (the next offset).</param>
public sealed record WrittenPage(ReadOnlyMemory<byte> Content, int Records, long? MaxJournalNumber);
