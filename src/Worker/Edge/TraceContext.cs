using System.Buffers;
using CloudNative.CloudEvents;

namespace XeroSync.Worker.Edge;

/// <summary>Extracts a trace id (32 lower-case hex chars) for log correlation.</summary>
public static class TraceContext
{
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>The Google Cloud trace header: <c>TRACE_ID/SPAN_ID;o=OPTIONS</c>.</summary>
    public const string CloudTraceHeader = "X-Cloud-Trace-Context";

    /// <summary>The W3C trace context header (and CloudEvents distributed-tracing extension name).</summary>
    public const string TraceparentHeader = "traceparent";

    /// <summary>
    /// Trace id from <c>X-Cloud-Trace-Context</c>, else the W3C <c>traceparent</c> header, else the CloudEvent's
    /// <c>traceparent</c> extension; null when none is present and valid.
    /// </summary>
    public static string? GetTraceId(HttpRequest request, CloudEvent? cloudEvent = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return FromCloudTraceContext(request.Headers[CloudTraceHeader].ToString())
            ?? FromTraceparent(request.Headers[TraceparentHeader].ToString())
            ?? (cloudEvent?[TraceparentHeader] is string extension ? FromTraceparent(extension) : null);
    }

    /// <summary>Trace id of an <c>X-Cloud-Trace-Context</c> value (<c>TRACE_ID[/SPAN_ID][;o=N]</c>), or null.</summary>
    public static string? FromCloudTraceContext(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.AsSpan().Trim();
        var end = trimmed.IndexOfAny('/', ';');
        return Normalize(end < 0 ? trimmed : trimmed[..end]);
    }

    /// <summary>Trace id of a W3C <c>traceparent</c> value (<c>VV-TRACEID-SPANID-FF</c>), or null.</summary>
    public static string? FromTraceparent(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var parts = value.Trim().Split('-');
        if (parts.Length < 4 || parts[0].Length != 2 || !IsHex(parts[0]) || parts[0] == "ff"
            || parts[2].Length != 16 || !IsHex(parts[2]) || parts[3].Length != 2 || !IsHex(parts[3]))
        {
            return null;
        }

        return Normalize(parts[1]);
    }

    private static string? Normalize(ReadOnlySpan<char> traceId)
    {
        if (traceId.Length != 32 || !IsHex(traceId) || !traceId.ContainsAnyExcept('0'))
        {
            return null;
        }

        return traceId.ToString().ToLowerInvariant();
    }

    private static bool IsHex(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExcept(HexDigits);
}
