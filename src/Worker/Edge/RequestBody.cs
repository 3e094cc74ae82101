using System.Buffers;

namespace XeroSync.Worker.Edge;

/// <summary>Reads a request body into memory with a hard size cap.</summary>
internal static class RequestBody
{
    /// <summary>
    /// 10 MiB cap on any edge request body. Note a wrapped push carries data as base64 (+33%), so a wrapped push of
    /// a message larger than about 7.5 MB is refused as poison; pipeline messages are small JSON, far below this.
    /// </summary>
    public const int DefaultMaxBytes = 10 * 1024 * 1024;

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    public static async Task<DecodeResult<byte[]>> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength is long declared && declared > maxBytes)
        {
            return TooLarge(maxBytes, declared);
        }

        var initialCapacity = request.ContentLength is long known ? (int)known : 0;
        using var buffer = new MemoryStream(initialCapacity);
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(chunk.AsMemory(), ct);
                if (read == 0)
                {
                    break;
                }

                if (buffer.Length + read > maxBytes)
                {
                    return TooLarge(maxBytes, null);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own limits (MaxRequestBodySize, bad chunking): the request is malformed, not transient.
            return DecodeResult.Poison<byte[]>($"request body rejected by the server ({ex.StatusCode}): {ex.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return DecodeResult.Success(buffer.ToArray());
    }

    /// <summary>The body without a leading UTF-8 byte-order mark (System.Text.Json rejects it on raw bytes).</summary>
    public static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> body) =>
        body.Span.StartsWith(Utf8Bom) ? body[Utf8Bom.Length..] : body;

    /// <summary>True when the body is empty or only whitespace.</summary>
    public static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    private static DecodeResult<byte[]> TooLarge(int maxBytes, long? declared) =>
        DecodeResult.Poison<byte[]>(declared is long d
            ? $"request body too large: Content-Length {d} exceeds the {maxBytes}-byte cap"
            : $"request body too large: exceeds the {maxBytes}-byte cap");
}
