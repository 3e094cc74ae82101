namespace XeroSync.Google.SecretManager;

/// <summary>An accessed secret version: its resolved name (<c>projects/p/secrets/s/versions/3</c>) and the verified bytes. Never log <see cref="Data"/>.</summary>
public sealed record SecretPayload(string VersionName, ReadOnlyMemory<byte> Data)
{
    public override string ToString() => $"SecretPayload {{ VersionName = {VersionName}, Data = <{Data.Length} bytes> }}";
}
