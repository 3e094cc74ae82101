using XeroSync.Xero;

namespace XeroSync.Tests.Xero.OAuth;

public sealed class FileTokenStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task Round_trips_a_token_set_and_returns_null_when_nothing_is_stored()
    {
        var store = FileTokenStore.InDataFolder(_temp.Path);
        Assert.Null(await store.ReadAsync("default", Ct));
        Assert.False(store.Exists("default"));

        var token = new StoredRefreshToken("rt-2", Start)
        {
            PreviousRefreshToken = "rt-1",
            ReplacedAt = Start,
            AccessToken = "at-2",
            AccessTokenExpiresAt = Start.AddMinutes(30),
        };
        await store.WriteAsync("default", token, Ct);

        Assert.Equal(token, await store.ReadAsync("default", Ct));
        Assert.True(store.Exists("default"));
        Assert.Equal(Path.Combine(_temp.Path, "tokens", "default.json"), store.PathOf("default"));
        Assert.Null(await store.ReadAsync("other", Ct));

        await store.WriteAsync("default", new StoredRefreshToken("rt-3", Start.AddHours(1)), Ct);
        Assert.Equal("rt-3", (await store.ReadAsync("default", Ct))!.RefreshToken);
        Assert.Equal(["default.json"], Directory.GetFiles(store.FolderPath).Select(Path.GetFileName));
    }

    [Fact(Timeout = 60_000)]
    public async Task Files_are_owner_only_0600_in_a_0700_folder()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var store = FileTokenStore.InDataFolder(_temp.Path);
        await store.WriteAsync("default", new StoredRefreshToken("rt-1", Start), Ct);
        await store.WriteAsync("default", new StoredRefreshToken("rt-2", Start), Ct);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.PathOf("default")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.FolderPath));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Tightens_an_existing_folder_to_0700()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        if (!OperatingSystem.IsWindows())
        {
            var folder = Path.Combine(_temp.Path, "tokens");
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            await new FileTokenStore(folder).WriteAsync("default", new StoredRefreshToken("rt-1", Start), Ct);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("../escape")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task Rejects_connection_names_that_are_not_plain_file_names(string name)
    {
        var store = FileTokenStore.InDataFolder(_temp.Path);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.WriteAsync(name, new StoredRefreshToken("rt", Start), Ct));
    }

    [Fact]
    public void ToString_of_a_token_set_reveals_no_token()
    {
        var token = new StoredRefreshToken("refresh-secret", Start)
        {
            PreviousRefreshToken = "previous-secret",
            ReplacedAt = Start,
            AccessToken = "access-secret",
            AccessTokenExpiresAt = Start.AddMinutes(30),
        };
        var text = token.ToString();
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.Contains("ReplacedAt", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", new TokenGrant("access-secret", "refresh-secret", TimeSpan.FromMinutes(30), "offline_access").ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_corrupt_file_is_reported_without_its_content()
    {
        var store = FileTokenStore.InDataFolder(_temp.Path);
        await store.WriteAsync("default", new StoredRefreshToken("rt", Start), Ct);
        await File.WriteAllTextAsync(store.PathOf("default"), "{\"refresh_token\":\"leaky-secret", Ct);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.ReadAsync("default", Ct));
        Assert.DoesNotContain("leaky-secret", ex.ToString(), StringComparison.Ordinal);
    }
}
