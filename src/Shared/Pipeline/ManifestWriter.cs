using System.Text.Json;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Storage;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// Writes the manifests the ledger hands out: when an endpoint is settled, the ledger assigns its unlisted done
/// pages to the next manifest (exactly one claimer wins); the object is then written (create-if-absent, the same
/// bytes on every attempt). That object is the record that it was written: the ledger writes nothing for it, and
/// hands a claim out again until its load is recorded, so a claim whose writer crashed is finished by the next
/// caller or a retry and a claimed manifest is never lost.
/// </summary>
public sealed class ManifestWriter(IRunLedger ledger, IObjectStore objects)
{
    /// <summary>Claims and writes every manifest the endpoint is due (once each); returns the names of the objects this call created.</summary>
    public async Task<IReadOnlyList<string>> TryWriteAsync(RunInfo run, EndpointKey key, XeroEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(endpoint);
        var written = new List<string>();
        var handled = new HashSet<int>();

        // A new claim, then a claim handed out again (not loaded yet) ends the loop; the bound keeps a misbehaving store from spinning here.
        for (var round = 0; round < 4; round++)
        {
            var claim = await ledger.ClaimManifestAsync(key, cancellationToken);
            if (claim is null || handled.Contains(claim.Sequence))
            {
                break;
            }

            handled.Add(claim.Sequence);

            var name = ObjectNames.Manifest(run.RunId, key.TenantId, endpoint, claim.Sequence);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(Build(key, claim), PipelineJsonContext.Default.Manifest);
            if (await objects.CreateIfAbsentAsync(name, bytes, "application/json", cancellationToken))
            {
                written.Add(name);
            }
        }

        return written;
    }

    public static Manifest Build(EndpointKey key, ManifestClaim claim)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(claim);
        var done = claim.Pages.Where(p => p.Status == PageStatus.Done).OrderBy(p => p.Page).ToList();
        return new Manifest
        {
            RunId = key.RunId,
            TenantId = key.TenantId,
            Endpoint = key.Endpoint,
            Sequence = claim.Sequence,
            Objects = done.Where(p => p.ObjectName is not null && p.Records > 0).Select(p => new ManifestObject(p.ObjectName!, p.Page, p.Records)).ToList(),
            Records = done.Sum(p => (long)p.Records),
            Partial = claim.FailedPages.Count > 0 || claim.DeferredPages.Count > 0,
            FailedPages = claim.FailedPages,
            DeferredPages = claim.DeferredPages,
            CreatedAt = claim.ClaimedAt,
        };
    }
}
