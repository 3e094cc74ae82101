namespace XeroSync.Tests.Google;

/// <summary>What <see cref="TestHttpServer"/> answers.</summary>
public sealed record TestResponse(int Status, string Body = "{}");
