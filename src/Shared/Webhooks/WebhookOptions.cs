using System.Globalization;

namespace XeroSync.Webhooks;

/// <summary>The webhook receiver's settings.</summary>
public sealed class WebhookOptions
{
    public const string QuietFactorVariable = "XEROSYNC_WEBHOOK_QUIET_FACTOR";
    public const string QuietFloorVariable = "XEROSYNC_WEBHOOK_QUIET_FLOOR_MINUTES";
    public const string QuietMinGapsVariable = "XEROSYNC_WEBHOOK_QUIET_MIN_GAPS";

    /// <summary>Bodies longer than this are hashed but not kept: Xero's payloads are a few KB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long changes of one organisation and category are gathered before they are read (one call per batch of ids).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Watch the event sequence for lost events (kept in the webhook state store, shared by every instance).</summary>
    public bool DetectGaps { get; set; } = true;

    /// <summary>How long a hole in the event sequence may stay open (a payload late or retried) before it counts as lost.</summary>
    public TimeSpan GapGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Watch each organisation's categories for a quiet spell longer than their events make usual (<see cref="QuietWatch"/>).</summary>
    public bool DetectQuiet { get; set; } = true;

    /// <summary>A category is quiet after this many times its usual gap between events (and at least <see cref="QuietFloor"/>).</summary>
    public double QuietFactor { get; set; } = 4;

    /// <summary>The shortest quiet spell that counts, however often the category's events usually arrive.</summary>
    public TimeSpan QuietFloor { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gaps between events a category must have seen before it has an expectation (fewer: never quiet).</summary>
    public int QuietMinGaps { get; set; } = 3;

    /// <summary>How often the local listener checks for quiet categories (the cloud's check is Cloud Scheduler's job).</summary>
    public TimeSpan QuietCheckEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Reads the quiet-trigger settings (<see cref="QuietFactorVariable"/>: 1 to 100; <see cref="QuietFloorVariable"/>: 1 to
    /// 1440; <see cref="QuietMinGapsVariable"/>: 1 to 1000) over <paramref name="defaults"/>; every problem is listed in one
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    public static WebhookOptions FromEnvironment(Func<string, string?> environment, WebhookOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(defaults);
        var problems = new List<string>();
        double? Number(string name, double min, double max, string rule)
        {
            var value = environment(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
            {
                return number;
            }

            problems.Add($"{name} '{Identifiers.Printable(value)}' is invalid: {rule}.");
            return null;
        }

        var factor = Number(QuietFactorVariable, 1, 100, "a number from 1 to 100 (times a category's usual gap between events)");
        var floor = Number(QuietFloorVariable, 1, 1440, "a number of minutes from 1 to 1440");
        var minGaps = Number(QuietMinGapsVariable, 1, 1000, "a whole number from 1 to 1000");
        if (minGaps is { } gaps && gaps != Math.Floor(gaps))
        {
            problems.Add($"{QuietMinGapsVariable} '{gaps.ToString(CultureInfo.InvariantCulture)}' is invalid: a whole number from 1 to 1000.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", problems));
        }

        return new WebhookOptions
        {
            MaxBodyBytes = defaults.MaxBodyBytes,
            Window = defaults.Window,
            DetectGaps = defaults.DetectGaps,
            GapGrace = defaults.GapGrace,
            DetectQuiet = defaults.DetectQuiet,
            QuietFactor = factor ?? defaults.QuietFactor,
            QuietFloor = floor is { } minutes ? TimeSpan.FromMinutes(minutes) : defaults.QuietFloor,
            QuietMinGaps = minGaps is { } g ? (int)g : defaults.QuietMinGaps,
            QuietCheckEvery = defaults.QuietCheckEvery,
        };
    }
}
