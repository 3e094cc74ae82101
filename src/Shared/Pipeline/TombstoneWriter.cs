using System.IO.Compression;
using System.Text.Json;

namespace XeroSync.Pipeline;

/// <summary>
/// Renders tombstones as gzipped NDJSON lines with the raw table's columns, so they load like any page:
/// <c>{"tenant_id","record_id","updated_at":null,"run_id","page":0,"fetched_at","deleted_at","payload":{}}</c>.
/// <c>deleted_at</c> (= <c>fetched_at</c>: when the reconcile found the record gone) is set on tombstones only; record
/// lines leave it out (NULL). The latest views keep showing the record's last payload, with <c>deleted_at</c> set while
/// no row of the record was fetched after the tombstone.
/// </summary>
public static class TombstoneWriter
{
    public static byte[] Write(string tenantId, string runId, IEnumerable<string> recordIds, DateTimeOffset foundAt)
    {
        ArgumentNullException.ThrowIfNull(recordIds);
        var at = PageWriter.FormatTimestamp(foundAt);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new Utf8JsonWriter(gzip))
        {
            foreach (var recordId in recordIds)
            {
                writer.Reset(gzip);
                writer.WriteStartObject();
                writer.WriteString("tenant_id", tenantId);
                writer.WriteString("record_id", recordId);
                writer.WriteNull("updated_at");
                writer.WriteString("run_id", runId);
                writer.WriteNumber("page", 0);
                writer.WriteString("fetched_at", at);
                writer.WriteString("deleted_at", at);
                writer.WritePropertyName("payload");
                writer.WriteStartObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.Flush();
                gzip.WriteByte((byte)'\n');
            }
        }

        return buffer.ToArray();
    }
}
