using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace XeroSync.Google;

/// <summary>Shared request/response plumbing of the REST clients: JSON bodies and Google error envelopes.</summary>
internal static class GoogleHttp
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    public static HttpContent JsonContent<T>(T body, JsonTypeInfo<T> typeInfo)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, typeInfo);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = JsonMediaType;
        return content;
    }

    public static HttpContent RawJsonContent(byte[] utf8Json)
    {
        var content = new ByteArrayContent(utf8Json);
        content.Headers.ContentType = JsonMediaType;
        return content;
    }

    /// <summary>Sends and returns the response; throws <see cref="GoogleApiException"/> on a non-success status.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, Uri uri, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ReadErrorAsync(response, cancellationToken);
        }
    }

    public static async Task<TResponse> SendAsync<TResponse>(HttpClient http, HttpMethod method, Uri uri, HttpContent? content, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(http, method, uri, content, cancellationToken);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using (stream)
        {
            return await JsonSerializer.DeserializeAsync(stream, responseType, cancellationToken)
                ?? throw new GoogleApiException(response.StatusCode, null, $"Empty response body from {method} {uri.AbsolutePath}.");
        }
    }

    /// <summary>Reads a Google error envelope (<c>{"error":{"code","message","status"}}</c>, possibly inside an array).</summary>
    public static async Task<GoogleApiException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string? status = null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0];
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                if (error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String)
                {
                    status = s.GetString();
                }

                if (error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): keep the raw text, shortened.
        }

        message ??= body.Length > 500 ? body[..500] : body;
        var path = response.RequestMessage?.RequestUri?.AbsolutePath ?? "?";
        return new GoogleApiException(
            response.StatusCode,
            status,
            $"{response.RequestMessage?.Method} {path} failed: {(int)response.StatusCode} {status} {message}".Trim());
    }
}
