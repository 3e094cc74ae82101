using System.Buffers;
using System.Text.Json;
using XeroSync.XeroSimulator.Data;

namespace XeroSync.XeroSimulator.Api;

/// <summary>Writes Xero's response envelope around already-serialised records.</summary>
internal static class EnvelopeWriter
{
    public static byte[] Write(string collectionProperty, IEnumerable<byte[]> records, PaginationInfo? pagination, DateTimeOffset now, string providerName)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, RecordJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("Id", Guid.NewGuid());
            writer.WriteString("Status", "OK");
            writer.WriteString("ProviderName", providerName);
            writer.WriteString("DateTimeUTC", XeroDates.Envelope(now));
            if (pagination is not null)
            {
                writer.WriteStartObject("pagination");
                writer.WriteNumber("page", pagination.Page);
                writer.WriteNumber("pageSize", pagination.PageSize);
                writer.WriteNumber("pageCount", pagination.PageCount);
                writer.WriteNumber("itemCount", pagination.ItemCount);
                writer.WriteEndObject();
            }

            writer.WriteStartArray(collectionProperty);
            foreach (var record in records)
            {
                writer.WriteRawValue(record, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
