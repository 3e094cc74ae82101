namespace XeroSync.Ledger;

/// <summary>The one rule for which manifest states a load may still move.</summary>
public static class ManifestStateExtensions
{
    /// <summary>Claimed (or an earlier version's Written): not loaded and not failed, so its claim is still handed out and a load may record it.</summary>
    public static bool AwaitsLoad(this ManifestState state) => state is ManifestState.Claimed or ManifestState.Written;
}
