using System.Text.Json;

namespace XeroSync.Xero;

/// <summary>
/// Reads a short, safe detail from a Xero error body: ProblemDetails (<c>Detail</c>), validation errors
/// (<c>Message</c>) or a plain-text 503. Bodies are bounded and never echoed whole.
/// </summary>
internal static class XeroProblemReader
{
    private const int MaxBody = 16 * 1024;

    public static async Task<string?> ReadDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxBody];
            var read = await stream.ReadAtLeastAsync(buffer, MaxBody, throwOnEndOfStream: false, cancellationToken);
            text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (IOException)
        {
            return null;
        }
        catch (HttpRequestException)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            foreach (var name in new[] { "Detail", "detail", "Message", "message", "Title", "error" })
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object &&
                    document.RootElement.TryGetProperty(name, out var value) &&
                    value.ValueKind == JsonValueKind.String)
                {
                    return Identifiers.Printable(value.GetString());
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return Identifiers.Printable(text.Trim());
        }
    }
}
