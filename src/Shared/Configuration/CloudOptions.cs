using System.Globalization;
using System.Text.RegularExpressions;

namespace XeroSync.Configuration;

/// <summary>
/// Settings of the cloud shape, read from the environment and checked at start:
/// <c>GOOGLE_CLOUD_PROJECT</c>, <c>CLIENT_NAME</c> (names this deployment's resources), and optional
/// <c>XEROSYNC_BUCKET</c>, <c>XEROSYNC_TOPIC</c>, <c>XEROSYNC_RAW_DATASET</c>, <c>XEROSYNC_VIEW_DATASET</c>,
/// <c>XEROSYNC_BQ_LOCATION</c>, <c>XEROSYNC_PUSH_DEADLINE_SECONDS</c>, <c>XEROSYNC_OIDC_AUDIENCE</c>,
/// <c>XEROSYNC_OIDC_ALLOWED_EMAILS</c>, <c>XEROSYNC_OIDC_OPERATOR_EMAILS</c>.
/// </summary>
public sealed partial record CloudOptions
{
    public required string ProjectId { get; init; }

    public required string ClientName { get; init; }

    public required string Bucket { get; init; }

    public required string Topic { get; init; }

    public string RawDataset { get; init; } = "xero_raw";

    public string ViewDataset { get; init; } = "xero";

    /// <summary>Typed views (columns per field, child views per nested array) over the latest views.</summary>
    public string TypedDataset { get; init; } = "xero_typed";

    public string Location { get; init; } = "EU";

    /// <summary>
    /// The shortest push deadline accepted: its delivery budget (<see cref="DeliveryBudget"/>, half of it) is 90 s, more
    /// than the rate-limit minute a throttled organisation may wait for its next permit.
    /// </summary>
    public const int MinPushDeadlineSeconds = 180;

    /// <summary>The push subscription's ack deadline; a permit wait must end well before it.</summary>
    public TimeSpan PushDeadline { get; init; } = TimeSpan.FromSeconds(540);

    /// <summary>When set, every request must carry a Google-signed OIDC token for this audience.</summary>
    public string? OidcAudience { get; init; }

    public IReadOnlyList<string> OidcAllowedEmails { get; init; } = [];

    /// <summary>
    /// People and accounts who call the service by hand (<c>gcloud auth print-identity-token</c>): their tokens pass
    /// with this service's audience or the Google Cloud SDK's, which is what a user's identity token carries.
    /// </summary>
    public IReadOnlyList<string> OidcOperatorEmails { get; init; } = [];

    /// <summary>
    /// How long one delivery may wait (for permits and page leases) before it nacks: the push deadline less a margin
    /// for the last Xero attempt (60 s at most) and the writes after it, so the answer reaches Pub/Sub in time.
    /// </summary>
    public TimeSpan DeliveryBudget => PushDeadline > TimeSpan.FromSeconds(180) ? PushDeadline - TimeSpan.FromSeconds(90) : PushDeadline / 2;

    /// <summary>Reads and validates; every problem is listed in one <see cref="InvalidOperationException"/>.</summary>
    public static CloudOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var problems = new List<string>();
        string Required(string name, Regex pattern, string rule)
        {
            var value = environment(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{name} is not set.");
                return string.Empty;
            }

            if (!pattern.IsMatch(value))
            {
                problems.Add($"{name} '{Identifiers.Printable(value)}' is invalid: {rule}.");
            }

            return value;
        }

        string Optional(string name, string fallback, Regex pattern, string rule)
        {
            var value = environment(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                return fallback;
            }

            if (!pattern.IsMatch(value))
            {
                problems.Add($"{name} '{Identifiers.Printable(value)}' is invalid: {rule}.");
            }

            return value;
        }

        var project = Required("GOOGLE_CLOUD_PROJECT", ProjectPattern(), "6-30 lower-case letters, digits or hyphens");
        var client = Required("CLIENT_NAME", NamePattern(), "1-40 lower-case letters, digits or hyphens");
        var deadline = TimeSpan.FromSeconds(540);
        if (environment("XEROSYNC_PUSH_DEADLINE_SECONDS") is { Length: > 0 } seconds)
        {
            if (int.TryParse(seconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value is >= MinPushDeadlineSeconds and <= 600)
            {
                deadline = TimeSpan.FromSeconds(value);
            }
            else
            {
                problems.Add($"XEROSYNC_PUSH_DEADLINE_SECONDS must be {MinPushDeadlineSeconds} to 600 (the push subscription's ack deadline): below {MinPushDeadlineSeconds} s a delivery's budget is shorter than a rate-limit minute, so a throttled organisation's deliveries give up before a permit frees and are dead-lettered.");
            }
        }

        var options = new CloudOptions
        {
            ProjectId = project,
            ClientName = client,
            Bucket = Optional("XEROSYNC_BUCKET", $"{project}-{client}-xero", BucketPattern(), "a Cloud Storage bucket name"),
            Topic = Optional("XEROSYNC_TOPIC", $"{client}-fetch-requests", TopicPattern(), "a Pub/Sub topic id"),
            RawDataset = Optional("XEROSYNC_RAW_DATASET", "xero_raw", DatasetPattern(), "letters, digits and underscores"),
            ViewDataset = Optional("XEROSYNC_VIEW_DATASET", "xero", DatasetPattern(), "letters, digits and underscores"),
            TypedDataset = Optional("XEROSYNC_TYPED_DATASET", "xero_typed", DatasetPattern(), "letters, digits and underscores"),
            Location = Optional("XEROSYNC_BQ_LOCATION", "EU", LocationPattern(), "a BigQuery location such as EU or europe-west2"),
            PushDeadline = deadline,
            OidcAudience = environment("XEROSYNC_OIDC_AUDIENCE") is { Length: > 0 } audience ? audience : null,
            OidcAllowedEmails = (environment("XEROSYNC_OIDC_ALLOWED_EMAILS") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            OidcOperatorEmails = (environment("XEROSYNC_OIDC_OPERATOR_EMAILS") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };

        return problems.Count == 0
            ? options
            : throw new InvalidOperationException("Invalid configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", problems));
    }

    [GeneratedRegex(@"^[a-z][a-z0-9-]{4,28}[a-z0-9]\z")]
    private static partial Regex ProjectPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,39}\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]\z")]
    private static partial Regex BucketPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9._~+%-]{2,254}\z")]
    private static partial Regex TopicPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]{1,1024}\z")]
    private static partial Regex DatasetPattern();

    [GeneratedRegex(@"^[A-Za-z0-9-]{2,40}\z")]
    private static partial Regex LocationPattern();
}
