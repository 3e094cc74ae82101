using System.Globalization;

namespace XeroSync.Configuration;

/// <summary>
/// The images' HEALTHCHECK (<c>dotnet X.dll --health-check</c>): GET <c>/healthz</c> on the local port
/// (<c>PORT</c>, else 8080) and exit 0 on 200, 1 otherwise. The runtime image has no shell or curl.
/// Cloud Run itself uses the startup and liveness probes Terraform sets on the same route.
/// </summary>
public static class ContainerHealthProbe
{
    public const string Argument = "--health-check";

    public static bool IsRequested(string[] args) => args is [Argument];

    public static async Task<int> RunAsync(Func<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var port = int.TryParse(environment("PORT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536 ? p : 8080;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/healthz")), cancellationToken);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (HttpRequestException)
        {
            return 1;
        }
        catch (TaskCanceledException)
        {
            return 1;
        }
    }
}
