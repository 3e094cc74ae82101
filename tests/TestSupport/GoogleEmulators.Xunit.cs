namespace XeroSync.Tests;

/// <summary>The xunit half of <see cref="GoogleEmulators"/>: an assembly fixture, and the skip-or-fail rule for tests.</summary>
public sealed partial class GoogleEmulators : IAsyncLifetime
{
    /// <summary>Skips the calling test when the emulators are unavailable; fails it under <c>CI=true</c>.</summary>
    public void Require()
    {
        if (UnavailableReason is null)
        {
            return;
        }

        if (RepositoryPaths.IsCi)
        {
            Assert.Fail(UnavailableReason + " Under CI=true this is a failure.");
        }

        Assert.Skip(UnavailableReason);
    }
}
