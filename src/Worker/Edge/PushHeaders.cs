namespace XeroSync.Worker.Edge;

/// <summary>
/// Header names of an unwrapped (noWrapper + writeMetadata) push: the Pub/Sub metadata headers, and the
/// transport/platform headers that are never message attributes.
/// </summary>
internal static class PushHeaders
{
    public const string MessageId = "x-goog-pubsub-message-id";
    public const string PublishTime = "x-goog-pubsub-publish-time";
    public const string SubscriptionName = "x-goog-pubsub-subscription-name";
    public const string DeliveryAttempt = "x-goog-pubsub-delivery-attempt";
    public const string OrderingKey = "x-goog-ordering-key";
    public const string OrderingKeyAlternate = "x-goog-pubsub-ordering-key";

    private static readonly HashSet<string> Excluded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language", "Authorization", "Cache-Control",
        "Connection", "Content-Encoding", "Content-Length", "Content-Type", "Cookie", "Date", "Expect",
        "Forwarded", "From", "Host", "If-Match", "If-Modified-Since", "If-None-Match", "Keep-Alive", "Origin",
        "Pragma", "Proxy-Authorization", "Proxy-Connection", "Referer", "TE", "Trailer", "Transfer-Encoding",
        "Upgrade", "User-Agent", "Via", "Priority", "traceparent", "tracestate", "baggage", "X-Real-IP",
        "X-Request-Id", "X-Serverless-Authorization", "X-Original-Host",
    };

    private static readonly string[] ExcludedPrefixes =
    [
        "x-goog-", "x-google-", "x-cloud-", "x-forwarded-", "x-envoy-", "x-appengine-", "x-b3-", ":",
    ];

    /// <summary>True when a header of an unwrapped push can be a message attribute.</summary>
    public static bool IsAttribute(string headerName)
    {
        if (Excluded.Contains(headerName))
        {
            return false;
        }

        foreach (var prefix in ExcludedPrefixes)
        {
            if (headerName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
