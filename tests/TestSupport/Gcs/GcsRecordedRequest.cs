namespace XeroSync.Tests.Gcs;

/// <summary>One request seen by <see cref="FakeGcsServer"/>: body kept as bytes (uploads are gzip).</summary>
public sealed record GcsRecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, byte[] Body, IReadOnlyDictionary<string, string> Headers)
{
    public override string ToString() => $"{Method} {Path}?{string.Join('&', Query.Select(q => q.Key + "=" + q.Value))}";
}
