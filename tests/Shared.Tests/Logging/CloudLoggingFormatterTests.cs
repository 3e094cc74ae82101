using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Logging;

namespace XeroSync.Tests.Logging;

public sealed class CloudLoggingFormatterTests
{
    [Fact]
    public void Writes_one_json_line_with_severity_message_fields_and_the_trace_from_the_scope()
    {
        var scopes = new LoggerExternalScopeProvider();
        using var scope = scopes.Push(new Dictionary<string, object?> { [CloudLoggingFormatter.TraceIdKey] = "4bf92f3577b34da6a3ce929d0e0e4736", ["ce_id"] = "42" });
        var state = new Dictionary<string, object?> { ["TenantId"] = "t-1", ["Records"] = 1000, ["{OriginalFormat}"] = "x" };
        var entry = new LogEntry<Dictionary<string, object?>>(LogLevel.Warning, "XeroSync.Test", new EventId(501, "Deferred"), state, null, (_, _) => "tenant t-1 deferred");
        using var output = new StringWriter();

        new CloudLoggingFormatter().Write(entry, scopes, output);

        var line = output.ToString();
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("WARNING", root.GetProperty("severity").GetString());
        Assert.Equal("tenant t-1 deferred", root.GetProperty("message").GetString());
        Assert.Equal(501, root.GetProperty("event_id").GetInt32());
        Assert.Equal("t-1", root.GetProperty("tenantId").GetString());
        Assert.Equal(1000, root.GetProperty("records").GetInt64());
        Assert.Equal("42", root.GetProperty("ce_id").GetString());
        Assert.EndsWith("4bf92f3577b34da6a3ce929d0e0e4736", root.GetProperty("logging.googleapis.com/trace").GetString(), StringComparison.Ordinal);
        Assert.False(root.TryGetProperty("{OriginalFormat}", out _));
    }

    [Theory]
    [InlineData(LogLevel.Debug, "DEBUG")]
    [InlineData(LogLevel.Information, "INFO")]
    [InlineData(LogLevel.Error, "ERROR")]
    [InlineData(LogLevel.Critical, "CRITICAL")]
    public void Maps_levels_to_cloud_logging_severities(LogLevel level, string severity)
    {
        var entry = new LogEntry<string>(level, "c", default, "s", new InvalidOperationException("boom"), (s, _) => s);
        using var output = new StringWriter();

        new CloudLoggingFormatter().Write(entry, new LoggerExternalScopeProvider(), output);

        using var json = JsonDocument.Parse(output.ToString());
        Assert.Equal(severity, json.RootElement.GetProperty("severity").GetString());
        Assert.Contains("boom", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
