namespace XeroSync.Xero;

/// <summary>
/// One record of a parsed page: where its bytes are in the response body (exactly as Xero sent them) and where the
/// values of its top-level key, updated and journal-number fields are (the last occurrence, as a JSON object lookup gives).
/// </summary>
internal readonly record struct IndexedRecord(int Start, int Length, RawToken Key, RawToken Updated, RawToken JournalNumber);
