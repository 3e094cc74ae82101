namespace XeroSync.XeroSimulator.Auth;

/// <summary>Result of validating a bearer token: the grant, or the 401 Detail text.</summary>
internal sealed record AccessCheck(AccessGrant? Grant, string? FailureDetail);
