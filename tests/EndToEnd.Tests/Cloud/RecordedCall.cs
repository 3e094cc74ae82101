namespace XeroSync.Tests.Cloud;

/// <summary>
/// One Google API call a service made, as a <see cref="RecordingProxy"/> saw it: who made it (each service has proxies
/// of its own, as each Cloud Run service calls with its own service account), which API, the method, path, query, body.
/// </summary>
internal sealed record RecordedCall(string Caller, string Api, string Method, string Path, string Query, string Body)
{
    public override string ToString() => $"{Caller} {Api} {Method} {Path}{Query}";
}
