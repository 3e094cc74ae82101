using System.Text.Json;
using XeroSync.Contracts;
using XeroSync.Pipeline;

namespace XeroSync.Tests.Pipeline;

public sealed class FetchRequestValidatorTests
{
    private static readonly FetchRequest Valid = new()
    {
        RunId = "run-1",
        TenantId = "3b0d6f8e-1a2b-4c3d-9e8f-0a1b2c3d4e5f",
        Endpoint = "Invoices",
        FirstPage = 1,
        LastPage = 1,
        PageSize = 1000,
        ModifiedSince = new DateTimeOffset(2026, 11, 2, 8, 55, 0, TimeSpan.Zero),
        Discover = true,
    };

    public static TheoryData<string, string> Invalid => new()
    {
        { "schema", "unsupported FetchRequest schema version" },
        { "run", "invalid run id" },
        { "run-newline", "invalid run id" },
        { "tenant", "invalid tenant id" },
        { "tenant-traversal", "invalid tenant id" },
        { "endpoint", "unknown endpoint" },
        { "endpoint-case", "unknown endpoint" },
        { "endpoint-table", "unknown endpoint" },
        { "first-zero", "invalid page range" },
        { "last-before-first", "invalid page range" },
        { "last-too-high", "invalid page range" },
        { "range-too-wide", "invalid page range" },
        { "offset", "invalid offset" },
        { "page-base-zero", "invalid page base" },
        { "page-base-not-below-first", "invalid page base" },
    };

    private static FetchRequest Break(string field) => field switch
    {
        "schema" => Valid with { SchemaVersion = 2 },
        "run" => Valid with { RunId = "../run" },
        "run-newline" => Valid with { RunId = "run\n" },
        "tenant" => Valid with { TenantId = "" },
        "tenant-traversal" => Valid with { TenantId = "a/../b" },
        "endpoint" => Valid with { Endpoint = "Employees" },
        "endpoint-case" => Valid with { Endpoint = "invoices" },
        "endpoint-table" => Valid with { Endpoint = "bank_transactions" },
        "first-zero" => Valid with { FirstPage = 0, LastPage = 0 },
        "last-before-first" => Valid with { FirstPage = 3, LastPage = 2 },
        "last-too-high" => Valid with { FirstPage = 99_999, LastPage = 100_000 },
        "range-too-wide" => Valid with { FirstPage = 1, LastPage = 1001 },
        "offset" => Valid with { Endpoint = "Journals", Offset = -1 },
        "page-base-zero" => Valid with { FirstPage = 5, LastPage = 5, PageBase = 0 },
        "page-base-not-below-first" => Valid with { FirstPage = 5, LastPage = 5, PageBase = 5 },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    [Fact]
    public void A_valid_request_passes() => Assert.Null(FetchRequestValidator.Validate(Valid));

    [Fact]
    public void A_re_read_carries_its_page_base_and_reads_the_xero_page_it_stands_for()
    {
        var reread = Valid with { FirstPage = 7, LastPage = 7, PageBase = 6 };
        Assert.Null(FetchRequestValidator.Validate(reread));
        Assert.Equal(1, reread.FirstPage - reread.XeroPageOffset);
        var json = JsonSerializer.Serialize(reread, PipelineJsonContext.Default.FetchRequest);
        Assert.Contains("\"page_base\":6", json, StringComparison.Ordinal);
        Assert.Equal(reread, JsonSerializer.Deserialize(json, PipelineJsonContext.Default.FetchRequest));
        Assert.DoesNotContain("page_base", JsonSerializer.Serialize(Valid, PipelineJsonContext.Default.FetchRequest), StringComparison.Ordinal);
    }

    [Fact]
    public void Null_is_empty_message() => Assert.Equal("empty message", FetchRequestValidator.Validate(null));

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Every_invalid_field_has_a_reason_that_never_echoes_the_value(string field, string reason)
    {
        var request = Break(field);
        var actual = FetchRequestValidator.Validate(request);
        Assert.Equal(reason, actual);
        Assert.DoesNotContain("..", actual, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_round_trip_uses_snake_case_and_the_schema_version()
    {
        var json = JsonSerializer.Serialize(Valid with { Endpoint = "Journals", Offset = 1234 }, PipelineJsonContext.Default.FetchRequest);
        using (var document = JsonDocument.Parse(json))
        {
            var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Equal(["v", "run_id", "tenant_id", "endpoint", "first_page", "last_page", "offset", "page_size", "modified_since", "discover"], names);
            Assert.Equal(FetchRequest.CurrentSchemaVersion, document.RootElement.GetProperty("v").GetInt32());
        }

        var back = JsonSerializer.Deserialize(json, PipelineJsonContext.Default.FetchRequest);
        Assert.Equal(Valid with { Endpoint = "Journals", Offset = 1234 }, back);
        Assert.Null(FetchRequestValidator.Validate(back));
    }

    [Fact]
    public void Json_without_version_is_rejected_and_nulls_are_omitted()
    {
        var json = JsonSerializer.Serialize(Valid with { ModifiedSince = null }, PipelineJsonContext.Default.FetchRequest);
        Assert.DoesNotContain("modified_since", json, StringComparison.Ordinal);
        Assert.DoesNotContain("offset", json, StringComparison.Ordinal);
        var back = JsonSerializer.Deserialize("""{"run_id":"r","tenant_id":"t","endpoint":"Invoices","first_page":1,"last_page":1}""", PipelineJsonContext.Default.FetchRequest);
        Assert.Equal(0, back!.SchemaVersion);
        Assert.Equal("unsupported FetchRequest schema version", FetchRequestValidator.Validate(back));
    }

    [Fact]
    public void Json_missing_required_fields_does_not_deserialize()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"v":1,"run_id":"r"}""", PipelineJsonContext.Default.FetchRequest));
    }
}
