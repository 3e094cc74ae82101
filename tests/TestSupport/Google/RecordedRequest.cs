namespace XeroSync.Tests.Google;

/// <summary>One request seen by <see cref="TestHttpServer"/>.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, string Body, IReadOnlyDictionary<string, string> Headers);
