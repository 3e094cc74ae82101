namespace XeroSync.Tests.Xero.OAuth;

/// <summary>
/// Lets the first <c>refresh_token</c> grant reach the server (which rotates the token) and then holds its
/// answer until the test calls <see cref="Release"/>: a refresher stalled between Xero's answer and its
/// write to the store.
/// </summary>
internal sealed class HeldAnswerHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    /// <summary>Completes once the server has answered the held refresh.</summary>
    public Task Answered => _answered.Task;

    public void Release() => _release.TrySetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var form = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var isRefresh = System.Web.HttpUtility.ParseQueryString(form)["grant_type"] == "refresh_token";
        var response = await base.SendAsync(request, cancellationToken);
        if (isRefresh && Interlocked.Increment(ref _held) == 1)
        {
            _answered.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
        }

        return response;
    }
}
