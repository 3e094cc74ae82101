namespace XeroSync.Tests;

/// <summary>Finds the repository root and the upstream fixtures beside the checkout (../shared/fixtures).</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    /// <summary>True when running under CI (<c>CI=true</c>): missing prerequisites fail instead of skipping.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The upstream fixtures folder (<c>../shared/fixtures</c> beside the checkout, or <c>XEROSYNC_FIXTURES</c>).
    /// Skips the calling test with a message when it is absent, or fails under <c>CI=true</c>.
    /// </summary>
    public static string RequireFixtures(string subfolder)
    {
        var configured = Environment.GetEnvironmentVariable("XEROSYNC_FIXTURES");
        var root = string.IsNullOrEmpty(configured) ? Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures")) : configured;
        var folder = Path.Combine(root, subfolder);
        if (Directory.Exists(folder))
        {
            return folder;
        }

        var message = $"Upstream fixtures not found at {folder}; they live in shared/fixtures beside the checkout.";
        if (IsCi)
        {
            Assert.Fail(message + " Under CI=true their absence is a failure.");
        }

        Assert.Skip(message);
        return folder;
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "XeroSync.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Repository root (XeroSync.sln) not found above " + AppContext.BaseDirectory);
    }
}
