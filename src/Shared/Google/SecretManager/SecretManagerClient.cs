using System.Globalization;
using Microsoft.Extensions.Logging;

namespace XeroSync.Google.SecretManager;

/// <summary>Secret Manager REST v1 client: access (CRC-32C verified), add version (CRC-32C sent), list, disable and destroy versions.</summary>
public sealed partial class SecretManagerClient
{
    private readonly HttpClient _http;
    private readonly GoogleClientOptions _options;
    private readonly ILogger<SecretManagerClient> _logger;

    public SecretManagerClient(HttpClient http, GoogleClientOptions options, ILogger<SecretManagerClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options;
        _logger = logger;
    }

    /// <summary><c>projects/{p}/secrets/{secret}</c> unless already a full name.</summary>
    public string SecretName(string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        return secret.StartsWith("projects/", StringComparison.Ordinal) ? secret : $"projects/{_options.ProjectId}/secrets/{secret}";
    }

    /// <summary>Reads a version's payload (default <c>latest</c>) and verifies its <c>dataCrc32c</c>.</summary>
    /// <exception cref="SecretChecksumMismatchException">The checksum does not match.</exception>
    public async Task<SecretPayload> AccessSecretVersionAsync(string secret, string version = "latest", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        var uri = new Uri(_options.BaseUri, $"v1/{SecretName(secret)}/versions/{Uri.EscapeDataString(version)}:access");
        var response = await GoogleHttp.SendAsync(_http, HttpMethod.Get, uri, null, SecretManagerJsonContext.Default.AccessSecretVersionResponseDto, cancellationToken);
        var data = response.Payload?.Data is { } b64 ? Convert.FromBase64String(b64) : [];
        if (response.Payload?.DataCrc32c is { } expectedText)
        {
            var expected = long.Parse(expectedText, NumberStyles.None, CultureInfo.InvariantCulture);
            var actual = Crc32C.Compute(data);
            if (expected != actual)
            {
                throw new SecretChecksumMismatchException($"Secret version {response.Name}: CRC-32C {actual} does not match dataCrc32c {expected}.");
            }
        }

        LogAccessed(response.Name);
        return new SecretPayload(response.Name, data);
    }

    /// <summary>Adds a version with <paramref name="data"/> (≤ 64 KiB), sending its CRC-32C; returns the new version.</summary>
    public async Task<SecretVersion> AddSecretVersionAsync(string secret, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var payload = new SecretPayloadDto(
            Convert.ToBase64String(data.Span),
            Crc32C.Compute(data.Span).ToString(CultureInfo.InvariantCulture));
        var uri = new Uri(_options.BaseUri, $"v1/{SecretName(secret)}:addVersion");
        var content = GoogleHttp.JsonContent(new AddSecretVersionRequestDto(payload), SecretManagerJsonContext.Default.AddSecretVersionRequestDto);
        var version = await GoogleHttp.SendAsync(_http, HttpMethod.Post, uri, content, SecretManagerJsonContext.Default.SecretVersion, cancellationToken);
        LogAdded(version.Name);
        return version;
    }

    /// <summary>
    /// Destroys a version by full name (its payload is deleted for good; the metadata stays, state DESTROYED),
    /// only if <paramref name="etag"/> matches when given.
    /// </summary>
    public async Task<SecretVersion> DestroySecretVersionAsync(string versionName, string? etag = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(versionName);
        var uri = new Uri(_options.BaseUri, $"v1/{versionName}:destroy");
        var content = GoogleHttp.JsonContent(new DestroySecretVersionRequestDto(etag), SecretManagerJsonContext.Default.DestroySecretVersionRequestDto);
        var version = await GoogleHttp.SendAsync(_http, HttpMethod.Post, uri, content, SecretManagerJsonContext.Default.SecretVersion, cancellationToken);
        LogDestroyed(version.Name);
        return version;
    }

    /// <summary>The versions of <paramref name="secret"/> in <paramref name="state"/> (all pages), in the order the API returns them.</summary>
    public async Task<IReadOnlyList<SecretVersion>> ListSecretVersionsAsync(string secret, string state = "ENABLED", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        var versions = new List<SecretVersion>();
        string? pageToken = null;
        do
        {
            var query = "filter=" + Uri.EscapeDataString("state:" + state) + "&pageSize=100" + (pageToken is null ? string.Empty : "&pageToken=" + Uri.EscapeDataString(pageToken));
            var uri = new Uri(_options.BaseUri, $"v1/{SecretName(secret)}/versions?{query}");
            var page = await GoogleHttp.SendAsync(_http, HttpMethod.Get, uri, null, SecretManagerJsonContext.Default.ListSecretVersionsResponseDto, cancellationToken);
            versions.AddRange(page.Versions ?? []);
            pageToken = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
        }
        while (pageToken is not null);

        return versions;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Accessed secret version {Version}")]
    private partial void LogAccessed(string version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Added secret version {Version}")]
    private partial void LogAdded(string version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Destroyed secret version {Version}")]
    private partial void LogDestroyed(string version);
}
