using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace XeroSync.Logging;

/// <summary>
/// One JSON object per line in Cloud Logging's structured shape: <c>severity</c>, <c>message</c>, <c>time</c>,
/// <c>logging.googleapis.com/trace</c> (from a <c>trace_id</c> scope value set at the edge), plus the
/// message's named values and scope values as fields.
/// </summary>
public sealed class CloudLoggingFormatter : ConsoleFormatter
{
    public const string FormatterName = "cloud-logging";
    public const string TraceIdKey = "trace_id";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };
    private readonly string? _projectId;

    public CloudLoggingFormatter()
        : base(FormatterName)
    {
        _projectId = Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT");
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("severity", Severity(logEntry.LogLevel));
            writer.WriteString("message", logEntry.Exception is null ? message : $"{message}\n{logEntry.Exception}");
            writer.WriteString("category", logEntry.Category);
            if (logEntry.EventId.Id != 0)
            {
                writer.WriteNumber("event_id", logEntry.EventId.Id);
            }

            string? traceId = null;
            scopeProvider?.ForEachScope(
                (scope, state) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            if (key == TraceIdKey && value is string id)
                            {
                                traceId = id;
                            }
                            else if (key != "{OriginalFormat}")
                            {
                                WriteField(state, key, value);
                            }
                        }
                    }
                },
                writer);

            if (logEntry.State is IEnumerable<KeyValuePair<string, object?>> fields)
            {
                foreach (var (key, value) in fields)
                {
                    if (key != "{OriginalFormat}")
                    {
                        WriteField(writer, key, value);
                    }
                }
            }

            if (traceId is not null)
            {
                writer.WriteString("logging.googleapis.com/trace", _projectId is null ? traceId : $"projects/{_projectId}/traces/{traceId}");
            }

            writer.WriteEndObject();
        }

        textWriter.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteField(Utf8JsonWriter writer, string key, object? value)
    {
        var name = char.ToLowerInvariant(key[0]) + key[1..];
        switch (value)
        {
            case null:
                writer.WriteNull(name);
                break;
            case bool b:
                writer.WriteBoolean(name, b);
                break;
            case int or long or short or byte:
                writer.WriteNumber(name, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                writer.WriteNumber(name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string Severity(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "CRITICAL",
        _ => "DEFAULT",
    };
}
