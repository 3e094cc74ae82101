namespace XeroSync.Tests.Xero.OAuth;

/// <summary>
/// Lets the server process the first <c>refresh_token</c> grants, then throws the answers away as if the
/// connection dropped: the server rotated the token, the client never saw it.
/// </summary>
internal sealed class LostAnswerHandler(int answersToLose) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _seen;

    public int Lost => Math.Min(Volatile.Read(ref _seen), answersToLose);

    public List<string> RefreshTokensSent { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var form = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var parsed = System.Web.HttpUtility.ParseQueryString(form);
        if (parsed["grant_type"] == "refresh_token")
        {
            RefreshTokensSent.Add(parsed["refresh_token"]!);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (parsed["grant_type"] == "refresh_token" && Interlocked.Increment(ref _seen) <= answersToLose)
        {
            response.Dispose();
            throw new HttpRequestException("The connection was reset after the request was sent (simulated).");
        }

        return response;
    }
}
