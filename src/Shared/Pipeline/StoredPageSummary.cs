using System.IO.Compression;
using System.Text.Json;
using XeroSync.Storage;

namespace XeroSync.Pipeline;

/// <summary>
/// What an existing page object holds (records, their ids, Journals' highest JournalNumber), read back when a second
/// delivery finds the object already written: the ledger must describe the object that will be loaded, not
/// the second fetch (whose records may differ if Xero's data moved in between).
/// </summary>
public static class StoredPageSummary
{
    public static async Task<(int Records, long? MaxJournalNumber, IReadOnlyList<string> RecordIds)> ReadAsync(IObjectStore objects, string objectName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objects);
        await using var stored = await objects.OpenReadAsync(objectName, cancellationToken)
            ?? throw new InvalidOperationException($"Object {objectName} was reported as existing but cannot be read.");
        await using var gzip = new GZipStream(stored, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var records = 0;
        long? max = null;
        var ids = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            records++;
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("record_id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                ids.Add(id.GetString()!);
            }

            if (document.RootElement.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object &&
                payload.TryGetProperty("JournalNumber", out var number) && number.TryGetInt64(out var journalNumber))
            {
                max = max is { } m ? Math.Max(m, journalNumber) : journalNumber;
            }
        }

        return (records, max, ids);
    }
}
