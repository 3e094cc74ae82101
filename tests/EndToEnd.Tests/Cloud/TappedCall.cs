namespace XeroSync.Tests.Cloud;

/// <summary>One Xero call a <see cref="XeroTap"/> saw a Worker make.</summary>
/// <param name="TenantId">Its <c>xero-tenant-id</c> header.</param>
/// <param name="PathAndQuery">As sent to Xero (and logged by the simulator).</param>
internal sealed record TappedCall(long Id, string TenantId, string PathAndQuery, DateTimeOffset Started)
{
    public int Status { get; init; }

    /// <summary>When the answer was passed back; null while in flight or when the Worker died first.</summary>
    public DateTimeOffset? Ended { get; init; }

    /// <summary>The Worker went away before the answer reached it.</summary>
    public bool Aborted { get; init; }
}
