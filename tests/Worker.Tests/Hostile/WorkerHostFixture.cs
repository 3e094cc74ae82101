using System.Net;
using System.Text.Json;
using XeroSync.Tests.Gcs;
using XeroSync.Tests.Routes;

namespace XeroSync.Tests.Hostile;

/// <summary>
/// One real Worker composition for a class of hostile cases, its object store a fake GCS server on loopback
/// (so poison records can be read back); Pub/Sub, Firestore and BigQuery point at a closed port.
/// </summary>
public sealed class WorkerHostFixture : IAsyncLifetime
{
    /// <summary>The default bucket of project test-project, client acme.</summary>
    public const string Bucket = "test-project-acme-xero";

    private FakeGcsServer? _gcs;
    private WorkerHost? _host;

    public FakeGcsServer Gcs => _gcs ?? throw new InvalidOperationException("not started");

    public WorkerHost Host => _host ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        _gcs = await FakeGcsServer.StartAsync(Bucket);
        _host = await WorkerHost.StartAsync(new Dictionary<string, string> { ["STORAGE_EMULATOR_HOST"] = _gcs.BaseUri.ToString().TrimEnd('/') });
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_gcs is not null)
        {
            await _gcs.DisposeAsync();
        }
    }

    /// <summary>Sends the case and asserts the rules: its status, exactly one poison record naming the problem (or none), safe logs.</summary>
    public async Task AssertHandledAsync(HostileCase hostile, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hostile);
        var before = PoisonNames().ToHashSet(StringComparer.Ordinal);
        Host.Logs.Clear();

        using var request = hostile.Request();
        var sent = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        using var response = await Host.Client.SendAsync(request, cancellationToken);

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(hostile.Status == response.StatusCode, $"expected {(int)hostile.Status}, got {(int)response.StatusCode}: {body}");
        var added = PoisonNames().Where(n => !before.Contains(n)).ToList();
        var logs = Host.Logs.GetSnapshot();
        if (hostile.Poison)
        {
            var name = Assert.Single(added);
            using var record = JsonDocument.Parse(Gcs.Objects[name]);
            var reason = record.RootElement.GetProperty("reason").GetString()!;
            Assert.Equal(hostile.Source ?? source, record.RootElement.GetProperty("source").GetString());
            Assert.True(reason.Contains(hostile.Reason!, StringComparison.OrdinalIgnoreCase), $"poison reason '{reason}' does not name '{hostile.Reason}'");
            Assert.Contains(logs, l => l.Id.Id == 700 && l.Message.Contains(hostile.Reason!, StringComparison.OrdinalIgnoreCase));

            // The record is the only copy of an acknowledged message: it keeps the bytes unless they were over the cap.
            var kept = record.RootElement.GetProperty("body_base64").GetBytesFromBase64();
            if (sent.Length > 0 && !reason.Contains("too large", StringComparison.Ordinal) && !RequestBodyIsBlank(sent))
            {
                Assert.NotEmpty(kept);
            }
        }
        else
        {
            Assert.Empty(added);
        }

        if (hostile.Status == HttpStatusCode.NoContent)
        {
            Assert.DoesNotContain(logs, l => l.Exception is not null && l.Id.Id != 701);
        }

        Assert.DoesNotContain(logs, l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Critical);
        LogSafety.AssertSafe(logs, hostile.Forbidden);
    }

    /// <summary>Sends one request that must be poison and returns its record.</summary>
    public async Task<JsonDocument> SendPoisonAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var before = PoisonNames().ToHashSet(StringComparer.Ordinal);
        using var response = await Host.Client.SendAsync(request, cancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return JsonDocument.Parse(Gcs.Objects[Assert.Single(PoisonNames(), n => !before.Contains(n))]);
    }

    private static bool RequestBodyIsBlank(byte[] body) => body.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n');

    private IEnumerable<string> PoisonNames() => Gcs.Objects.Keys.Where(k => k.StartsWith("poison/", StringComparison.Ordinal));
}
