namespace XeroSync.Tests;

/// <summary>The bench's half of <see cref="GoogleEmulators"/> (tests use GoogleEmulators.Xunit.cs): no skipping here, a figure without the emulators fails with the reason.</summary>
public sealed partial class GoogleEmulators
{
    /// <summary>Throws when the emulators are unavailable (the figure's row then says "not measured" and why).</summary>
    public void Require()
    {
        if (UnavailableReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }
    }
}
