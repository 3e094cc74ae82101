using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using XeroSync.Google.SecretManager;
using XeroSync.Tests.Google;

namespace XeroSync.Tests.Google;

/// <summary>
/// Secret Manager v1 for one secret, in memory behind <see cref="TestHttpServer"/>: access (a version or
/// <c>latest</c>), addVersion, list with a state filter, disable and destroy with an etag. Every request's shape is
/// checked against the REST reference (method, path, query, JSON body, base64 payload, CRC-32C as a
/// decimal string, etag precondition); anything else is answered 400 and listed in <see cref="Violations"/>.
/// </summary>
internal sealed partial class SecretManagerStandIn : IAsyncDisposable
{
    public const string Project = "p";

    private readonly object _gate = new();
    private readonly List<StandInVersion> _versions = [];
    private readonly List<string> _violations = [];
    private readonly TimeProvider _time;
    private TestHttpServer? _server;

    private SecretManagerStandIn(string secretId, TimeProvider time)
    {
        SecretId = secretId;
        _time = time;
    }

    public string SecretId { get; }

    public string SecretName => $"projects/{Project}/secrets/{SecretId}";

    public Uri BaseUri => _server!.BaseUri;

    public IReadOnlyList<RecordedRequest> Requests => _server!.Requests;

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    public IReadOnlyList<StandInVersion> Versions
    {
        get
        {
            lock (_gate)
            {
                return [.. _versions];
            }
        }
    }

    public static async Task<SecretManagerStandIn> StartAsync(string secretId, TimeProvider time)
    {
        var standIn = new SecretManagerStandIn(secretId, time);
        standIn._server = await TestHttpServer.StartAsync(standIn.Handle);
        return standIn;
    }

    /// <summary>Adds a version directly, as an operator's <c>gcloud secrets versions add</c> would.</summary>
    public void Seed(string payload)
    {
        lock (_gate)
        {
            _versions.Add(new StandInVersion(_versions.Count + 1, Encoding.UTF8.GetBytes(payload), _time.GetUtcNow()));
        }
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private TestResponse Handle(RecordedRequest request)
    {
        lock (_gate)
        {
            var prefix = $"/v1/{SecretName}";
            if (request.Method == "GET" && AccessPath().Match(request.PathAndQuery) is { Success: true } access && access.Groups[1].Value == SecretName)
            {
                return Access(access.Groups[2].Value);
            }

            if (request.Method == "POST" && request.PathAndQuery == prefix + ":addVersion")
            {
                return AddVersion(request);
            }

            if (request.Method == "GET" && request.PathAndQuery.StartsWith(prefix + "/versions?", StringComparison.Ordinal))
            {
                return List(request.PathAndQuery[(prefix.Length + "/versions?".Length)..]);
            }

            if (request.Method == "POST" && StatePath().Match(request.PathAndQuery) is { Success: true } change && change.Groups[1].Value == SecretName)
            {
                return ChangeState(int.Parse(change.Groups[2].Value, CultureInfo.InvariantCulture), change.Groups[3].Value == "disable" ? "DISABLED" : "DESTROYED", request);
            }

            return Violation($"unexpected request {request.Method} {request.PathAndQuery}");
        }
    }

    private TestResponse Access(string version)
    {
        var found = version == "latest" ? _versions.LastOrDefault() : _versions.FirstOrDefault(v => v.Number.ToString(CultureInfo.InvariantCulture) == version);
        if (found is null)
        {
            return Error(404, "NOT_FOUND", $"Secret Version [{SecretName}/versions/{version}] not found.");
        }

        if (found.State != "ENABLED")
        {
            return Error(400, "FAILED_PRECONDITION", $"{SecretName}/versions/{found.Number} is in {found.State} state.");
        }

        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = $"{SecretName}/versions/{found.Number}",
            ["payload"] = new Dictionary<string, string>
            {
                ["data"] = Convert.ToBase64String(found.Data),
                ["dataCrc32c"] = Crc32C.Compute(found.Data).ToString(CultureInfo.InvariantCulture),
            },
        });
        return new TestResponse(200, body);
    }

    private TestResponse AddVersion(RecordedRequest request)
    {
        if (!request.Headers.TryGetValue("Content-Type", out var type) || !type.StartsWith("application/json", StringComparison.Ordinal))
        {
            return Violation("addVersion without a JSON content type");
        }

        byte[] data;
        try
        {
            using var json = JsonDocument.Parse(request.Body);
            var payload = json.RootElement.GetProperty("payload");
            if (json.RootElement.EnumerateObject().Count() != 1 || payload.EnumerateObject().Any(p => p.Name is not ("data" or "dataCrc32c")))
            {
                return Violation("addVersion body has fields other than payload.data and payload.dataCrc32c");
            }

            data = payload.GetProperty("data").GetBytesFromBase64();
            var crc = payload.GetProperty("dataCrc32c").GetString();
            if (crc != Crc32C.Compute(data).ToString(CultureInfo.InvariantCulture))
            {
                return Violation($"addVersion dataCrc32c {crc} does not match the payload");
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return Violation("addVersion body is not {\"payload\":{\"data\":base64,\"dataCrc32c\":\"int64\"}}: " + ex.GetType().Name);
        }

        if (data.Length > 64 * 1024)
        {
            return Violation("addVersion payload over 64 KiB");
        }

        var version = new StandInVersion(_versions.Count + 1, data, _time.GetUtcNow());
        _versions.Add(version);
        return new TestResponse(200, VersionJson(version));
    }

    private TestResponse List(string query)
    {
        var parameters = query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty), StringComparer.Ordinal);
        if (!parameters.TryGetValue("filter", out var filter) || FilterPattern().Match(filter) is not { Success: true } state)
        {
            return Violation($"list without a state filter: {query}");
        }

        if (parameters.TryGetValue("pageSize", out var size) && (!int.TryParse(size, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 25000))
        {
            return Violation($"list pageSize {size} out of range");
        }

        var versions = _versions.Where(v => v.State == state.Groups[1].Value).Reverse().Select(VersionJson); // newest first, as the API lists them
        return new TestResponse(200, "{\"versions\":[" + string.Join(",", versions) + "],\"totalSize\":" + _versions.Count(v => v.State == state.Groups[1].Value).ToString(CultureInfo.InvariantCulture) + "}");
    }

    /// <summary>versions/N:disable or :destroy with an optional etag (a destroyed version keeps its metadata, loses its payload).</summary>
    private TestResponse ChangeState(int number, string state, RecordedRequest request)
    {
        var version = _versions.FirstOrDefault(v => v.Number == number);
        if (version is null)
        {
            return Error(404, "NOT_FOUND", "no such version");
        }

        string? etag;
        try
        {
            using var json = JsonDocument.Parse(request.Body);
            etag = json.RootElement.TryGetProperty("etag", out var e) ? e.GetString() : null;
        }
        catch (JsonException)
        {
            return Violation(state + " body is not JSON");
        }

        if (etag is not null && etag != version.Etag)
        {
            return Error(400, "FAILED_PRECONDITION", "etag mismatch");
        }

        if (version.Number == _versions[^1].Number)
        {
            return Violation($"the latest version was {state}");
        }

        if (version.State == "DESTROYED")
        {
            return Error(400, "FAILED_PRECONDITION", $"{SecretName}/versions/{number} is in DESTROYED state.");
        }

        version.State = state;
        if (state == "DESTROYED")
        {
            version.Data = [];
        }

        version.Generation++;
        return new TestResponse(200, VersionJson(version));
    }

    private string VersionJson(StandInVersion version) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["name"] = $"{SecretName}/versions/{version.Number}",
        ["state"] = version.State,
        ["etag"] = version.Etag,
        ["createTime"] = version.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
    });

    private TestResponse Violation(string what)
    {
        _violations.Add(what);
        return Error(400, "INVALID_ARGUMENT", what);
    }

    private static TestResponse Error(int code, string status, string message) =>
        new(code, JsonSerializer.Serialize(new Dictionary<string, object> { ["error"] = new Dictionary<string, object> { ["code"] = code, ["message"] = message, ["status"] = status } }));

    [GeneratedRegex(@"^/v1/(projects/[^/]+/secrets/[^/]+)/versions/([a-z0-9]+):access$")]
    private static partial Regex AccessPath();

    [GeneratedRegex(@"^/v1/(projects/[^/]+/secrets/[^/]+)/versions/(\d+):(disable|destroy)$")]
    private static partial Regex StatePath();

    [GeneratedRegex(@"^state:(ENABLED|DISABLED|DESTROYED)$")]
    private static partial Regex FilterPattern();
}
