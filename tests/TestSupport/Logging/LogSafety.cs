using Microsoft.Extensions.Logging.Testing;

namespace XeroSync.Tests;

/// <summary>
/// Checks captured log records for untrusted text that reached a line unescaped: raw control characters
/// (a forged log line, a terminal escape) and given strings that must never be echoed (traversal, ids).
/// </summary>
public static class LogSafety
{
    /// <summary>Fails when any record's message or structured value holds a control character or one of <paramref name="forbidden"/>.</summary>
    public static void AssertSafe(IReadOnlyList<FakeLogRecord> records, IEnumerable<string> forbidden)
    {
        ArgumentNullException.ThrowIfNull(records);
        var banned = forbidden.Where(f => f.Length > 0).ToList();
        foreach (var record in records)
        {
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
