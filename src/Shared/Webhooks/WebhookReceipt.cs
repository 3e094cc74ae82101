namespace XeroSync.Webhooks;

/// <summary>The answer to one webhook POST: the status code (200 or 401 as Xero's contract asks, 500 when it could not be queued) and what happened.</summary>
public sealed record WebhookReceipt(int StatusCode, string Outcome, int Changes = 0);
