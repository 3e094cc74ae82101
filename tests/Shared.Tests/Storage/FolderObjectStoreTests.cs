using System.Text;
using XeroSync.Storage;

namespace XeroSync.Tests.Storage;

public sealed class FolderObjectStoreTests
{
    [Fact(Timeout = 60_000)]
    public async Task Many_parallel_writers_of_one_name_exactly_one_wins_and_content_is_intact()
    {
        using var temp = new TempDirectory();
        var created = new List<string>();
        var store = new FolderObjectStore(temp.Path, (name, _) =>
        {
            lock (created)
            {
                created.Add(name);
            }

            return ValueTask.CompletedTask;
        });
        const string name = "xero/invoices/tenant=t1/run=r1/page-00001.ndjson.gz";

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(
            () => store.CreateIfAbsentAsync(name, Encoding.UTF8.GetBytes($"writer-{i:D2}-" + new string('x', 100_000)), "application/gzip", TestContext.Current.CancellationToken))));

        Assert.Single(results, r => r);
        var winner = Array.IndexOf(results, true);
        await using var stream = await store.OpenReadAsync(name, TestContext.Current.CancellationToken);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);
        Assert.Equal($"writer-{winner:D2}-" + new string('x', 100_000), await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
        Assert.Equal([name], created);

        // No temp files left behind.
        Assert.Single(Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact(Timeout = 60_000)]
    public async Task Second_create_returns_false_and_keeps_the_first_content()
    {
        using var temp = new TempDirectory();
        var store = new FolderObjectStore(temp.Path);
        Assert.True(await store.CreateIfAbsentAsync("a/b.json", "first"u8.ToArray(), "application/json", TestContext.Current.CancellationToken));
        Assert.False(await store.CreateIfAbsentAsync("a/b.json", "second"u8.ToArray(), "application/json", TestContext.Current.CancellationToken));
        Assert.Equal("first", await File.ReadAllTextAsync(Path.Combine(temp.Path, "a", "b.json"), TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task Missing_object_opens_as_null()
    {
        using var temp = new TempDirectory();
        var store = new FolderObjectStore(temp.Path);
        Assert.Null(await store.OpenReadAsync("nope/none.json", TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task List_is_ordinal_and_filters_by_prefix()
    {
        using var temp = new TempDirectory();
        var store = new FolderObjectStore(temp.Path);
        string[] names = ["xero/invoices/run=r1/page-00002.ndjson.gz", "xero/invoices/run=r1/_manifest.json", "xero/invoices/run=r1/page-00001.ndjson.gz", "xero/invoices/run=r10/page-00001.ndjson.gz", "xero/contacts/run=r1/page-00001.ndjson.gz", "xero/invoices/run=r1/Z.json"];
        foreach (var name in names)
        {
            await store.CreateIfAbsentAsync(name, "x"u8.ToArray(), "text/plain", TestContext.Current.CancellationToken);
        }

        var listed = new List<string>();
        await foreach (var name in store.ListAsync("xero/invoices/run=r1/", TestContext.Current.CancellationToken))
        {
            listed.Add(name);
        }

        Assert.Equal(["xero/invoices/run=r1/Z.json", "xero/invoices/run=r1/_manifest.json", "xero/invoices/run=r1/page-00001.ndjson.gz", "xero/invoices/run=r1/page-00002.ndjson.gz"], listed);

        var partial = new List<string>();
        await foreach (var name in store.ListAsync("xero/invoices/run=r1", TestContext.Current.CancellationToken))
        {
            partial.Add(name);
        }

        Assert.Equal(5, partial.Count);

        var all = new List<string>();
        await foreach (var name in store.ListAsync("", TestContext.Current.CancellationToken))
        {
            all.Add(name);
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), all);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("/etc/passwd")]
    [InlineData("../outside.json")]
    [InlineData("a/../../outside.json")]
    [InlineData("a/..")]
    [InlineData("a\\b.json")]
    [InlineData("a/b\n.json")]
    [InlineData("a/\u0000.json")]
    [InlineData("a//b.json")]
    [InlineData("./a.json")]
    [InlineData("")]
    public async Task Unsafe_names_are_rejected(string name)
    {
        using var temp = new TempDirectory();
        var store = new FolderObjectStore(temp.Path);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CreateIfAbsentAsync(name, "x"u8.ToArray(), "text/plain", TestContext.Current.CancellationToken));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.OpenReadAsync(name, TestContext.Current.CancellationToken));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }
}
