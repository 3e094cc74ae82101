using System.Net;
using System.Net.Http.Headers;

namespace XeroSync.Bench;

/// <summary>
/// Answers every request with one recorded Xero response (its bytes and content headers) as a fresh stream, so the
/// page benchmark runs the client's real read path (headers, status, stream, parse) without a socket.
/// </summary>
internal sealed class ReplayHandler(byte[] body, string contentType) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = new StreamContent(new MemoryStream(body, writable: false));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        content.Headers.ContentLength = body.Length;
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = content });
    }
}
