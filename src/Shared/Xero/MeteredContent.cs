using System.IO.Compression;
using System.Net;

namespace XeroSync.Xero;

/// <summary>
/// A Xero response body as the client reads it, decoded from its Content-Encoding (gzip, deflate, br) by this client
/// rather than the HTTP handler, so both sizes are known: <see cref="BytesReceived"/> as Xero sent it on the wire
/// (compressed where Xero compressed) and <see cref="BytesDecoded"/> after decoding. The Xero client's handler must not
/// decompress itself (<see cref="DecompressionMethods.None"/>), or the body arrives decoded and is counted as sent so.
/// </summary>
internal sealed class MeteredContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly string? _encoding;
    private CountingStream? _received;
    private Stream? _decoder;
    private CountingStream? _decoded;

    private MeteredContent(HttpContent inner)
    {
        _inner = inner;
        _encoding = inner.Headers.ContentEncoding.LastOrDefault();
        foreach (var header in inner.Headers)
        {
            if (!header.Key.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase) && !header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        if (_encoding is null && inner.Headers.ContentLength is { } length)
        {
            Headers.ContentLength = length;
        }
    }

    /// <summary>The encodings this client decodes, asked for on every Xero call.</summary>
    public static IReadOnlyList<string> AcceptedEncodings { get; } = ["gzip", "deflate", "br"];

    /// <summary>Body bytes read so far as they came off the connection (after transfer framing, before content decoding).</summary>
    public long BytesReceived => _received?.Count ?? 0;

    /// <summary>Body bytes read so far after content decoding (equal to <see cref="BytesReceived"/> when the body was not encoded).</summary>
    public long BytesDecoded => _decoded?.Count ?? 0;

    /// <summary>Replaces the response's content with a metered, decoding one and returns it.</summary>
    public static MeteredContent Attach(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var metered = new MeteredContent(response.Content);
        response.Content = metered;
        return metered;
    }

    /// <summary>Reads whatever of the body is still unread, so every byte Xero sent is counted (error bodies are read only in part).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await ReadAsStreamAsync(cancellationToken);
            await stream.CopyToAsync(Stream.Null, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException or OperationCanceledException)
        {
            // A broken body is counted as far as it came; the caller's error stands.
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        if (_decoded is not null)
        {
            return _decoded;
        }

        _received = new CountingStream(await _inner.ReadAsStreamAsync(cancellationToken));
        _decoder = _encoding?.ToLowerInvariant() switch
        {
            null or "identity" => _received,
            "gzip" or "x-gzip" => new GZipStream(_received, CompressionMode.Decompress),
            "deflate" => new ZLibStream(_received, CompressionMode.Decompress),
            "br" => new BrotliStream(_received, CompressionMode.Decompress),
            _ => throw new InvalidDataException($"Xero sent a body in an encoding this client did not ask for ({Identifiers.Printable(_encoding)})."),
        };
        // Readers dispose the stream they were given; the content owns it, so a drain after them still counts the rest.
        _decoded = new CountingStream(_decoder) { KeepsInnerOpen = true };
        return _decoded;
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = await CreateContentReadStreamAsync(cancellationToken);
        await source.CopyToAsync(stream, cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder?.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
