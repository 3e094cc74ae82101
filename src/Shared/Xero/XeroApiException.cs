namespace XeroSync.Xero;

/// <summary>A Xero call that did not produce a page; <see cref="Failure"/> says what the caller should do.</summary>
public sealed class XeroApiException : Exception
{
    public XeroApiException()
    {
    }

    public XeroApiException(string message)
        : base(message)
    {
    }

    public XeroApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public XeroApiException(XeroFailure failure, int? statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        StatusCode = statusCode;
    }

    public XeroFailure Failure { get; init; }

    public int? StatusCode { get; init; }

    /// <summary>When the caller may try again (day-limit reset, permit availability), if known.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>The calls and bytes spent on the page before it failed (set by the client when the failure leaves it).</summary>
    public XeroUsage? Usage { get; internal set; }

    /// <summary>Xero's problem detail, e.g. <c>AuthorizationUnsuccessful</c> (never contains credentials).</summary>
    public string? Detail { get; init; }
}
