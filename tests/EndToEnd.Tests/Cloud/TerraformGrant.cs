namespace XeroSync.Tests.Cloud;

/// <summary>
/// One IAM binding of deploy/terraform: <paramref name="Identity"/> (a service account's resource name: worker,
/// dispatcher, push, eventarc, scheduler; or pubsub-agent, gcs-agent, operator) holds <paramref name="Role"/> on
/// <paramref name="Scope"/> ("project", "dataset:xero_raw", "bucket:raw", ...), from resource <paramref name="Address"/>.
/// </summary>
internal sealed record TerraformGrant(string Address, string Identity, string Role, string Scope, IReadOnlySet<string> Permissions)
{
    /// <summary>Whether this binding grants <paramref name="needed"/>: the role holds the permission, on that resource or the whole project.</summary>
    public bool Covers(RequiredPermission needed) =>
        Permissions.Contains(needed.Permission) && (Scope == needed.Resource || Scope == "project");

    public override string ToString() => $"{Address}: {Identity} has {Role} on {Scope}";
}
