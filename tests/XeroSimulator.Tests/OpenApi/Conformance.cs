using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace XeroSync.Tests.OpenApi;

/// <summary>Reads from a simulator and validates each 200 body against the description, collecting violations.</summary>
internal sealed class Conformance
{
    private readonly TestSimulator _simulator;
    private readonly XeroOpenApi _spec;

    public Conformance(TestSimulator simulator, XeroOpenApi spec)
    {
        _simulator = simulator;
        _spec = spec;
    }

    public int Responses { get; private set; }

    public List<string> Violations { get; } = [];

    /// <summary>The violations grouped by what failed (array indexes and ids elided), each with its count and one request.</summary>
    public string Summary() => string.Join('\n', Violations
        .Select(v => (Key: Regex.Replace(v.Split(": ", 2)[1], "/[0-9]+(?=/|$| )", "/*"), Request: v.Split(": ", 2)[0]))
        .GroupBy(v => v.Key, StringComparer.Ordinal)
        .OrderByDescending(g => g.Count())
        .Take(60)
        .Select(g => $"{g.Count()} x {g.Key} (e.g. {g.First().Request})"));

    /// <summary>
    /// Every record of a collection, paging as the description's parameters say: <c>page</c> until an empty page,
    /// <c>offset</c> (Journals) from the last JournalNumber until an empty answer, otherwise one call.
    /// </summary>
    public async Task<List<JsonElement>> ListAsync(string collection, IReadOnlySet<string> parameters, string? extraQuery, string? ifModifiedSince)
    {
        var records = new List<JsonElement>();
        var extra = extraQuery is null ? string.Empty : "&" + extraQuery;
        if (parameters.Contains("page"))
        {
            for (var page = 1; ; page++)
            {
                var batch = await GetListAsync(collection, $"page={page.ToString(CultureInfo.InvariantCulture)}{extra}", ifModifiedSince);
                if (batch.Count == 0)
                {
                    break;
                }

                records.AddRange(batch);
            }
        }
        else if (parameters.Contains("offset"))
        {
            var offset = 0L;
            while (true)
            {
                var batch = await GetListAsync(collection, $"offset={offset.ToString(CultureInfo.InvariantCulture)}{extra}", ifModifiedSince);
                if (batch.Count == 0)
                {
                    break;
                }

                records.AddRange(batch);
                offset = batch.Max(j => j.GetProperty("JournalNumber").GetInt64());
            }
        }
        else
        {
            records.AddRange(await GetListAsync(collection, extra.TrimStart('&'), ifModifiedSince));
        }

        return records;
    }

    /// <summary>Validates one GET of <paramref name="pathAndQuery"/> against the operation <paramref name="operationPath"/>.</summary>
    public async Task<JsonElement> GetAsync(string operationPath, string pathAndQuery, string? ifModifiedSince = null)
    {
        var body = await _simulator.GetJsonAsync(pathAndQuery, ifModifiedSince: ifModifiedSince);
        Responses++;
        foreach (var violation in _spec.Validate(operationPath, body))
        {
            Violations.Add($"GET {pathAndQuery}: {violation}");
        }

        return body;
    }

    private async Task<List<JsonElement>> GetListAsync(string collection, string query, string? ifModifiedSince)
    {
        var pathAndQuery = query.Length == 0 ? collection : collection + "?" + query;
        var body = await GetAsync("/" + collection, pathAndQuery, ifModifiedSince);
        var property = collection == "Organisation" ? "Organisations" : collection;
        return body.TryGetProperty(property, out var array) ? [.. array.EnumerateArray()] : [];
    }
}
