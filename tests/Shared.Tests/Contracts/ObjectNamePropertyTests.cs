using CsCheck;
using XeroSync.Contracts;
using XeroSync.Storage;
using XeroSync.Xero;

namespace XeroSync.Tests.Contracts;

/// <summary>
/// Properties of object names built from identifiers that arrive from outside: an id is either refused by the
/// validators or yields names that stay under their prefix, with no '..', no control character, deterministic;
/// and the store-level rules accept nothing that could leave the bucket's namespace.
/// </summary>
public sealed class ObjectNamePropertyTests
{
    public const int Iterations = 20_000;

    /// <summary>Ids: half from the documented alphabets (so many are valid), half hostile.</summary>
    private static readonly Gen<string> Id = Gen.OneOf<string>(
        Gen.String[Gen.Char["abcdefABCDEF0123456789-_"], 0, 70],
        Gen.String[Gen.Char["abc019-_./\\%=: \t\n\r\u0000\u001b\u007f\u0085\u2010\u2215\uff0e\uff0f\u0430\u00e9\ud800"], 0, 70],
        Gen.OneOf("..", ".", "../x", "a/../b", "%2e%2e", "tenant=x", "a..b", "-a", "_a", "a\u0000", new string('a', 64), new string('a', 65)),
        Gen.String);

    private static readonly Gen<XeroEndpoint> Endpoint = Gen.OneOf([.. EndpointCatalog.All]);

    [Fact(Timeout = 120_000)]
    public void Ids_are_refused_or_give_names_under_their_prefix() =>
        Gen.Select(Id, Id, Endpoint, Gen.Int[1, 99_999], Gen.Int[0, 999]).Sample(
            (runId, tenantId, endpoint, page, sequence) =>
            {
                var valid = Identifiers.IsValidRunId(runId) && Identifiers.IsValidTenantId(tenantId);
                if (!valid)
                {
                    var refused = Assert.Throws<InvalidIdentifierException>(() => ObjectNames.Page(runId, tenantId, endpoint, page));
                    Assert.DoesNotContain(refused.Message, char.IsControl);
                    Assert.Throws<InvalidIdentifierException>(() => ObjectNames.Manifest(runId, tenantId, endpoint, sequence));
                    return;
                }

                Assert.Matches("^[a-z][a-z_]*\\z", endpoint.TableName);
                var prefix = ObjectNames.Prefix(runId, tenantId, endpoint);
                var names = new[] { ObjectNames.Page(runId, tenantId, endpoint, page), ObjectNames.Manifest(runId, tenantId, endpoint, sequence) };
                Assert.Equal($"xero/{endpoint.TableName}/tenant={tenantId}/run={runId}/", prefix);
                foreach (var name in names)
                {
                    Assert.StartsWith(prefix, name, StringComparison.Ordinal);
                    Assert.DoesNotContain('/', name[prefix.Length..]);
                    Assert.Equal(5, name.Split('/').Length);
                    Assert.DoesNotContain("..", name, StringComparison.Ordinal);
                    Assert.DoesNotContain(name, char.IsControl);
                    Assert.All(name, c => Assert.True(c < 128, $"non-ASCII U+{(int)c:X4} in {name}"));
                    ObjectNameRules.Validate(name);
                }

                Assert.Equal(names[0], ObjectNames.Page(runId, tenantId, endpoint, page));
                Assert.Equal(names[1], ObjectNames.Manifest(runId, tenantId, endpoint, sequence));
                Assert.Matches(@"/page-\d{5}\.ndjson\.gz\z", names[0]);
                Assert.False(ObjectNames.IsManifest(names[0]));
                Assert.True(ObjectNames.IsManifest(names[1]));
            },
            iter: Iterations,
            threads: 1);

    [Fact(Timeout = 120_000)]
    public void Store_rules_accept_only_relative_names_without_dot_segments_or_control_characters() =>
        Gen.OneOf<string>(
            Gen.String,
            Gen.String[Gen.Char["ab/.\\\u0000\n~tmp:C"], 0, 30],
            Gen.Select(Id, Id).Select((a, b) => "xero/" + a + "/" + b + "/_manifest.json"))
        .Sample(
            name =>
            {
                try
                {
                    ObjectNameRules.Validate(name);
                }
                catch (ArgumentException refused)
                {
                    Assert.DoesNotContain(refused.Message, char.IsControl);
                    return;
                }

                Assert.NotEmpty(name);
                Assert.NotEqual('/', name[0]);
                Assert.False(Path.IsPathRooted(name));
                Assert.DoesNotContain("..", name, StringComparison.Ordinal);
                Assert.DoesNotContain('\\', name);
                Assert.DoesNotContain(name, char.IsControl);
                Assert.All(name.Split('/'), segment => Assert.True(segment.Length > 0 && segment != ".", $"segment '{segment}' of '{name}'"));
                Assert.False(name.EndsWith(ObjectNameRules.TempSuffix, StringComparison.Ordinal));
                Assert.Equal(Path.GetFullPath(Path.Combine("/bucket", name)), Path.Combine("/bucket", name));
            },
            iter: Iterations,
            threads: 1);

    [Fact(Timeout = 60_000)]
    public void Printable_never_holds_a_control_character_or_more_than_67_characters() =>
        Gen.String[Gen.Char['\0', '\uffff'], 0, 200].Sample(
            value =>
            {
                var printable = Identifiers.Printable(value);
                Assert.DoesNotContain(printable, char.IsControl);
                Assert.DoesNotContain(printable, char.IsSurrogate);
                Assert.True(printable.Length <= 67);
            },
            iter: Iterations,
            threads: 1);
}
