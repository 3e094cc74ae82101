namespace XeroSync.Google;

/// <summary>What every REST client needs besides its <see cref="HttpClient"/>: the project and the base URL.</summary>
/// <param name="ProjectId">The Google Cloud project id.</param>
/// <param name="BaseUri">The service base URL ending in '/' (see <see cref="GoogleEndpoint"/>).</param>
public sealed record GoogleClientOptions(string ProjectId, Uri BaseUri)
{
    /// <summary>Options for <paramref name="service"/> in <paramref name="projectId"/>, base URL from the environment.</summary>
    public static GoogleClientOptions FromEnvironment(GoogleService service, string projectId) =>
        new(projectId, GoogleEndpoint.Resolve(service).BaseUri);
}
