namespace XeroSync.Tests.Cloud;

/// <summary>A permission a call needs on a resource: "project", "dataset:xero_raw", "bucket:raw", "topic:fetch_requests", ...</summary>
internal sealed record RequiredPermission(string Permission, string Resource)
{
    public override string ToString() => $"{Permission} on {Resource}";
}
