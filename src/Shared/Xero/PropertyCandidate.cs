namespace XeroSync.Xero;

/// <summary>
/// Which occurrence of a root property a forward parse keeps, as a JSON object lookup would: the last one named exactly,
/// else the first one named ignoring case.
/// </summary>
internal struct PropertyCandidate
{
    private bool _found;

    /// <summary>Whether the kept occurrence holds an array (set by the parser).</summary>
    public bool IsArray { get; set; }

    /// <summary>Whether this occurrence replaces the one kept so far.</summary>
    public bool Takes(NameMatch match)
    {
        switch (match)
        {
            case NameMatch.Exact:
                _found = true;
                return true;
            case NameMatch.IgnoringCase when !_found:
                _found = true;
                return true;
            default:
                return false;
        }
    }
}
