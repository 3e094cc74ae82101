using XeroSync.Contracts;

namespace XeroSync.Tests.Cloud;

/// <summary>One push or event the <see cref="PushForwarder"/> sent to a Worker.</summary>
/// <param name="Path"><c>/pubsub</c> (a Pub/Sub push) or <c>/events</c> (a finalize event).</param>
/// <param name="Request">The push's FetchRequest (null for events or undecodable data).</param>
/// <param name="MessageId">The Pub/Sub message id (null for events): its pushes are the message's delivery attempts.</param>
/// <param name="Status">The Worker's answer (502: the Worker died or refused the connection); 0 while in flight.</param>
internal sealed record ForwardedPush(long Id, string Target, string Path, FetchRequest? Request, string? MessageId, DateTimeOffset Started)
{
    public int Status { get; init; }

    public DateTimeOffset? Ended { get; init; }
}
