using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using XeroSync.Logging;

namespace XeroSync.Tests;

/// <summary>
/// Checks captured log records for untrusted text that reached a line unescaped. The service's own records
/// (<c>XeroSync.*</c>) must hold no raw control character (a forged line, a terminal escape) and none of the
/// given strings (traversal, over-long ids). Framework records quote the request line by design (the access
/// log); for them the check is that the production formatter still writes one JSON line with every control
/// character escaped.
/// </summary>
public static class LogSafety
{
    public static void AssertSafe(IReadOnlyList<FakeLogRecord> records, IEnumerable<string> forbidden)
    {
        ArgumentNullException.ThrowIfNull(records);
        var banned = forbidden.Where(f => f.Length > 0).ToList();
        foreach (var record in records)
        {
            if (record.Category?.StartsWith("XeroSync", StringComparison.Ordinal) != true)
            {
                AssertFormattedSafely(record);
                continue;
            }

            foreach (var text in Texts(record))
            {
                var control = text.FirstOrDefault(char.IsControl);
                Assert.False(control != default, $"log record {record.Id} ({record.Category}) holds raw control character U+{(int)control:X4}: {Visible(text)}");
                foreach (var value in banned)
                {
                    Assert.False(text.Contains(value, StringComparison.Ordinal), $"log record {record.Id} ({record.Category}) echoes '{Visible(value)}': {Visible(text)}");
                }
            }
        }
    }

    private static void AssertFormattedSafely(FakeLogRecord record)
    {
        using var output = new StringWriter();
        var entry = new LogEntry<string>(record.Level, record.Category ?? string.Empty, record.Id, record.Message, record.Exception, (s, _) => s);
        new CloudLoggingFormatter().Write(entry, null, output);
        var line = output.ToString();
        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        var control = line[..^1].FirstOrDefault(char.IsControl);
        Assert.False(control != default, $"formatted log line of {record.Category} holds raw control character U+{(int)control:X4}: {Visible(line)}");
    }

    private static IEnumerable<string> Texts(FakeLogRecord record)
    {
        yield return record.Message;
        foreach (var pair in record.StructuredState ?? [])
        {
            if (pair.Value is { } value && pair.Key != "{OriginalFormat}")
            {
                yield return value;
            }
        }
    }

    private static string Visible(string text) =>
        string.Concat(text.Take(300).Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
