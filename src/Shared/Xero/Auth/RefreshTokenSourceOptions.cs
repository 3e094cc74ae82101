using System.ComponentModel.DataAnnotations;

namespace XeroSync.Xero;

/// <summary>How a <see cref="RefreshTokenSource"/> finds its token set and coordinates with other processes.</summary>
public sealed class RefreshTokenSourceOptions
{
    public const string DefaultConnection = "default";

    /// <summary>The token set's name in the <see cref="ITokenStore"/>; the lease is <c>xero-refresh:{Connection}</c>.</summary>
    public string Connection { get; set; } = DefaultConnection;

    /// <summary>Written to an empty store before the first refresh (from <c>XERO_REFRESH_TOKEN</c>); never read from the environment here.</summary>
    public string? SeedRefreshToken { get; set; }

    /// <summary>How long a refresher holds the lease at most (a crashed holder blocks others this long).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:30:00")]
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long to wait for another process's refresh before giving up.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan LeaseWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay between attempts to take a lease someone else holds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan LeasePollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Sends of the same refresh token when the answer is lost (transport error, timeout, 5xx). Safe because
    /// Xero accepts the previous refresh token for 30 minutes and answers with the same new pair.
    /// </summary>
    [Range(1, 10)]
    public int MaxSendAttempts { get; set; } = 3;
}
