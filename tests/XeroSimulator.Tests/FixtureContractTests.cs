using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>Every property of each fixture's first record exists on generated records with the same JSON kind, recursively.</summary>
public sealed class FixtureContractTests
{
    /// <summary>
    /// Fixture properties generated records legitimately omit. Contacts.TaxNumbeType is a typo in the upstream spec example
    /// (the real property is TaxNumberType), so the simulator does not reproduce it.
    /// </summary>
    private static readonly HashSet<string> OptionalProperties = ["Contacts.TaxNumbeType"];

    public static TheoryData<string> FixtureFiles()
    {
        var folder = Environment.GetEnvironmentVariable("XEROSYNC_FIXTURES") is { Length: > 0 } configured
            ? Path.Combine(configured, "xero")
            : Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "fixtures", "xero"));
        var data = new TheoryData<string>();
        foreach (var file in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json").Order().ToArray() : [])
        {
            data.Add(Path.GetFileName(file));
        }

        if (data.Count == 0)
        {
            data.Add("(none)");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void Generated_records_match_the_fixture_shape(string fileName)
    {
        var folder = RepositoryPaths.RequireFixtures("xero");
        using var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, fileName)));
        if (fixture.RootElement.ValueKind != JsonValueKind.Object)
        {
            return; // connections.json: covered by AuthTests.
        }

        var collection = fixture.RootElement.EnumerateObject()
            .FirstOrDefault(p => p.Value.ValueKind == JsonValueKind.Array && p.Value.GetArrayLength() > 0 && p.Name != "Elements");
        if (collection.Value.ValueKind == JsonValueKind.Undefined)
        {
            return; // error bodies have no collection.
        }

        var state = new SimulatorState(new SimulatorOptions { Clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)), Scale = 0.3 });
        var endpoint = collection.Name == "Organisations" ? "Organisation" : collection.Name;
        Assert.Contains(endpoint, state.Endpoints);
        var records = state.GetRecords(state.Tenants[0].TenantId, endpoint).Values.Select(json => JsonDocument.Parse(json).RootElement).ToList();
        Assert.NotEmpty(records);

        var problems = new List<string>();
        Compare(collection.Value[0], records, endpoint, problems);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static void Compare(JsonElement expected, List<JsonElement> actuals, string path, List<string> problems)
    {
        foreach (var property in expected.EnumerateObject())
        {
            var propertyPath = path + "." + property.Name;
            if (OptionalProperties.Contains(propertyPath) || property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var values = actuals.Where(a => a.TryGetProperty(property.Name, out _)).Select(a => a.GetProperty(property.Name)).ToList();
            if (values.Count == 0)
            {
                problems.Add($"{propertyPath}: missing from every generated record");
                continue;
            }

            var kind = Kind(property.Value.ValueKind);
            var mismatched = values.FirstOrDefault(v => Kind(v.ValueKind) != kind);
            if (mismatched.ValueKind != JsonValueKind.Undefined)
            {
                problems.Add($"{propertyPath}: fixture {property.Value.ValueKind}, generated {mismatched.ValueKind}");
                continue;
            }

            if (kind == JsonValueKind.Object && property.Value.EnumerateObject().Any())
            {
                Compare(property.Value, values, propertyPath, problems);
            }
            else if (kind == JsonValueKind.Array && property.Value.GetArrayLength() > 0 && property.Value[0].ValueKind == JsonValueKind.Object)
            {
                var elements = values.SelectMany(v => v.EnumerateArray()).Where(e => e.ValueKind == JsonValueKind.Object).ToList();
                if (elements.Count == 0)
                {
                    problems.Add($"{propertyPath}[]: every generated array is empty");
                    continue;
                }

                Compare(property.Value[0], elements, propertyPath + "[]", problems);
            }
        }
    }

    private static JsonValueKind Kind(JsonValueKind kind) => kind == JsonValueKind.False ? JsonValueKind.True : kind;
}
