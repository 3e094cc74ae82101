using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using XeroSync.Ledger;
using XeroSync.Storage;

namespace XeroSync.Pipeline;

/// <summary>
/// The page plan of a detail endpoint (budget lines, group members), read from the parent's list page as this run
/// stored it: page n is the n-th record of that object (in its line order) that the run re-reads, every record, or on
/// an incremental run only those whose <c>updated_at</c> is at or after the request's watermark. The object is
/// written once (create-if-absent) and never changes, so every delivery and every retry of the run sees the same
/// plan; nothing new is kept in the ledger beyond the pages themselves.
/// </summary>
/// <param name="Parent">The parent's page 1 as the ledger holds it (null when the run never opened it).</param>
/// <param name="RecordIds">The records to read, in page order; null unless the parent's page is done.</param>
public sealed record DetailPlan(PageRecord? Parent, IReadOnlyList<string>? RecordIds)
{
    /// <summary>Pages of the plan: one per record, and one (read without a call) when there is nothing to read.</summary>
    public int LastPage => Math.Max(1, RecordIds?.Count ?? 0);

    public static async Task<DetailPlan> ReadAsync(IRunLedger ledger, IObjectStore objects, EndpointKey parentKey, DateTimeOffset? changedSince, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(objects);
        var parent = (await ledger.GetPagesAsync(parentKey, 1, 1, cancellationToken)).FirstOrDefault(p => p.Page == 1);
        if (parent is not { Status: PageStatus.Done })
        {
            return new DetailPlan(parent, null);
        }

        if (parent.ObjectName is null || parent.Records == 0)
        {
            return new DetailPlan(parent, []);
        }

        await using var stored = await objects.OpenReadAsync(parent.ObjectName, cancellationToken)
            ?? throw new InvalidOperationException($"Object {parent.ObjectName} is recorded as done but cannot be read.");
        await using var gzip = new GZipStream(stored, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var ids = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.TryGetProperty("record_id", out var id) && id.GetString() is { Length: > 0 } recordId && IsSelected(root, changedSince))
            {
                ids.Add(recordId);
            }
        }

        return new DetailPlan(parent, ids);
    }

    /// <summary>Every record on a full read; a record without a timestamp is always re-read.</summary>
    private static bool IsSelected(JsonElement line, DateTimeOffset? changedSince) =>
        changedSince is not { } since ||
        !line.TryGetProperty("updated_at", out var updated) || updated.ValueKind != JsonValueKind.String ||
        !DateTimeOffset.TryParse(updated.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ||
        at >= since;
}
