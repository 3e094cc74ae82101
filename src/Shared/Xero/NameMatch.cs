namespace XeroSync.Xero;

/// <summary>How a JSON property name compares with the one sought.</summary>
internal enum NameMatch
{
    None,
    IgnoringCase,
    Exact,
}
