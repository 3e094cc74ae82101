using XeroSync.Contracts;
using XeroSync.Xero;

namespace XeroSync.Tests.Contracts;

public sealed class IdentifierAndObjectNameTests
{
    private const string TenantId = "3b0d6f8e-1a2b-4c3d-9e8f-0a1b2c3d4e5f";
    private const string RunId = "20261102T090000Z-ab12";

    public static TheoryData<string> Hostile =>
    [
        "",
        " ",
        "../etc",
        "..",
        "a/b",
        "a\\b",
        "abc\n",
        "abc\r\n",
        "ab\u0000c",
        "ab\tc",
        "-leading-dash",
        "_leading",
        "a b",
        "tenant=x",
        "a%2Fb",
        "é",
        new string('a', 65),
        new string('a', 10_000),
    ];

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_run_ids_are_rejected(string value)
    {
        Assert.False(Identifiers.IsValidRunId(value));
        Assert.Throws<InvalidIdentifierException>(() => ObjectNames.Page(value, TenantId, EndpointCatalog.Get("Invoices"), 1));
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_tenant_ids_are_rejected(string value)
    {
        Assert.False(Identifiers.IsValidTenantId(value));
        Assert.Throws<InvalidIdentifierException>(() => ObjectNames.Manifest(RunId, value, EndpointCatalog.Get("Invoices")));
    }

    [Fact]
    public void Null_identifiers_are_rejected()
    {
        Assert.False(Identifiers.IsValidRunId(null));
        Assert.False(Identifiers.IsValidTenantId(null));
    }

    [Fact]
    public void Tenant_ids_allow_no_underscore_but_run_ids_do()
    {
        Assert.True(Identifiers.IsValidRunId("run_1"));
        Assert.False(Identifiers.IsValidTenantId("tenant_1"));
        Assert.True(Identifiers.IsValidTenantId(new string('a', 64)));
        Assert.True(Identifiers.IsValidRunId(new string('a', 64)));
    }

    [Fact]
    public void Names_are_deterministic()
    {
        var invoices = EndpointCatalog.Get("Invoices");
        Assert.Equal($"xero/invoices/tenant={TenantId}/run={RunId}/page-00007.ndjson.gz", ObjectNames.Page(RunId, TenantId, invoices, 7));
        Assert.Equal(ObjectNames.Page(RunId, TenantId, invoices, 7), ObjectNames.Page(RunId, TenantId, invoices, 7));
        Assert.Equal($"xero/bank_transactions/tenant={TenantId}/run={RunId}/_manifest.json", ObjectNames.Manifest(RunId, TenantId, EndpointCatalog.Get("BankTransactions")));
        Assert.Equal($"xero/invoices/tenant={TenantId}/run={RunId}/_manifest-r002.json", ObjectNames.Manifest(RunId, TenantId, invoices, 2));
        Assert.True(ObjectNames.IsManifest(ObjectNames.Manifest(RunId, TenantId, invoices, 2)));
        Assert.False(ObjectNames.IsManifest(ObjectNames.Page(RunId, TenantId, invoices, 1)));
        Assert.False(ObjectNames.IsManifest("other/_manifest.json"));
        Assert.False(ObjectNames.IsManifest(null));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100_000)]
    public void Page_numbers_out_of_range_are_rejected(int page)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ObjectNames.Page(RunId, TenantId, EndpointCatalog.Get("Invoices"), page));
    }

    [Fact]
    public void Printable_replaces_control_characters_and_truncates()
    {
        Assert.Equal("a?b?", Identifiers.Printable("a\nb\u0000"));
        Assert.Equal(new string('x', 64) + "...", Identifiers.Printable(new string('x', 1000)));
        Assert.Equal("(null)", Identifiers.Printable(null));
    }
}
