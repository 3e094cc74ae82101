using System.Globalization;
using XeroSync.Xero;

namespace XeroSync.Contracts;

/// <summary>
/// Deterministic object names from validated identifiers only:
/// <c>xero/{table}/tenant={tenantId}/run={runId}/page-{n:D5}.ndjson.gz</c> and <c>.../_manifest.json</c>.
/// </summary>
public static class ObjectNames
{
    public const string Root = "xero/";
    private const string ManifestPrefix = "_manifest";

    public static string Prefix(string runId, string tenantId, XeroEndpoint endpoint) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{Root}{endpoint.TableName}/tenant={Identifiers.RequireTenantId(tenantId)}/run={Identifiers.RequireRunId(runId)}/");

    public static string Page(string runId, string tenantId, XeroEndpoint endpoint, int page)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(page, 99_999);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix(runId, tenantId, endpoint)}page-{page:D5}.ndjson.gz");
    }

    /// <summary>
    /// A reconcile's tombstones for the endpoint: one NDJSON line per record Xero no longer returns, loaded into the raw
    /// table like a page (<c>.../tombstones.ndjson.gz</c>; deterministic, written once).
    /// </summary>
    public static string Tombstones(string runId, string tenantId, XeroEndpoint endpoint) => Prefix(runId, tenantId, endpoint) + "tombstones.ndjson.gz";

    /// <summary>The run's manifest (sequence 0) or a retry's further manifest (sequence n: <c>_manifest-r00n.json</c>).</summary>
    public static string Manifest(string runId, string tenantId, XeroEndpoint endpoint, int sequence = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        return sequence == 0
            ? Prefix(runId, tenantId, endpoint) + ManifestPrefix + ".json"
            : string.Create(CultureInfo.InvariantCulture, $"{Prefix(runId, tenantId, endpoint)}{ManifestPrefix}-r{sequence:D3}.json");
    }

    /// <summary>
    /// A run's Xero usage as recorded once the run had finished: <c>usage/run={runId}/usage-{fingerprint}.ndjson</c>, the
    /// fingerprint taken from the content, so a run recorded again after a retry gets a new object and the same content never does.
    /// </summary>
    public static string Usage(string runId, string fingerprint)
    {
        if (fingerprint.Length is 0 or > 64 || !fingerprint.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("A usage fingerprint is lowercase hex.", nameof(fingerprint));
        }

        return $"usage/run={Identifiers.RequireRunId(runId)}/usage-{fingerprint}.ndjson";
    }

    /// <summary>Whether an object name (from a finalize event) names a manifest this service writes.</summary>
    public static bool IsManifest(string? objectName)
    {
        if (objectName is null || !objectName.StartsWith(Root, StringComparison.Ordinal) || !objectName.EndsWith(".json", StringComparison.Ordinal))
        {
            return false;
        }

        var slash = objectName.LastIndexOf('/');
        return objectName.AsSpan(slash + 1).StartsWith(ManifestPrefix, StringComparison.Ordinal);
    }
}
