namespace XeroSync.Xero;

/// <summary>The fields of each record a page's index locates while the response is parsed: the key, the updated field, and the journal number where the endpoint pages by offset.</summary>
internal readonly record struct RecordFields(string KeyField, string? UpdatedField, bool JournalNumber)
{
    public static RecordFields Of(XeroEndpoint endpoint) => new(endpoint.KeyField, endpoint.UpdatedField, endpoint.Paging == PagingStyle.Offset);
}
