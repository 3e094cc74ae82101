namespace XeroSync.Pipeline;

/// <summary>A page rendered as a gzipped NDJSON object.</summary>
/// <param name="MaxJournalNumber">Journals: the highest JournalNumber on the page (the next offset).</param>
/// <param name="RecordIds">The <c>record_id</c> of each line, in order.</param>
public sealed record WrittenPage(ReadOnlyMemory<byte> Content, int Records, long? MaxJournalNumber, IReadOnlyList<string> RecordIds);
