using System.Net;

namespace XeroSync.Google;

/// <summary>A Google REST call answered with an error status.</summary>
public sealed class GoogleApiException : Exception
{
    public GoogleApiException()
    {
    }

    public GoogleApiException(string message)
        : base(message)
    {
    }

    public GoogleApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GoogleApiException(HttpStatusCode statusCode, string? status, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Status = status;
    }

    /// <summary>The HTTP status code.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The canonical error status (<c>ALREADY_EXISTS</c>, <c>ABORTED</c>...), when the body named one.</summary>
    public string? Status { get; }
}
