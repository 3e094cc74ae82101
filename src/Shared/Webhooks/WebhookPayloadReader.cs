using System.Globalization;
using System.Text.Json;
using XeroSync.Contracts;
using XeroSync.Xero;

namespace XeroSync.Webhooks;

/// <summary>
/// Reads a correctly signed webhook body into checked changes. Everything from outside is checked before it reaches
/// an object name, a query or a log line: tenant and resource ids are GUIDs, the category is one whose records this
/// service lands, the type is CREATE or UPDATE, the time parses. An event that fails a check is left out with its
/// reason; a body that is not a payload at all (malformed JSON, no sequence numbers) is refused as a whole.
/// </summary>
public static class WebhookPayloadReader
{
    /// <summary>At most this many events are read from one payload; Xero sends a few per payload.</summary>
    public const int MaxEvents = 10_000;

    public static (WebhookNotification? Notification, string? Problem) Read(ReadOnlySpan<byte> body, DateTimeOffset receivedAt)
    {
        WebhookPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(body, WebhookJsonContext.Default.WebhookPayload);
        }
        catch (JsonException ex)
        {
            return (null, "malformed JSON: " + Identifiers.Sanitize(ex.Message, 200));
        }

        if (payload is null || payload.FirstEventSequence is not long first || payload.LastEventSequence is not long last || payload.Events is null)
        {
            return (null, "not a Xero webhook payload: events, firstEventSequence and lastEventSequence are required");
        }

        if (first < 0 || last < first || payload.Events.Count > MaxEvents)
        {
            return (null, "invalid sequence range or too many events");
        }

        var changes = new List<RecordChange>(payload.Events.Count);
        var rejected = new List<string>();
        for (var i = 0; i < payload.Events.Count; i++)
        {
            var e = payload.Events[i];
            if (e is null)
            {
                rejected.Add($"event {i}: null");
                continue;
            }

            if (string.Equals(e.EventCategory, WebhookCategory.Subscription, StringComparison.Ordinal))
            {
                // About the app's subscription, not an organisation's records: nothing to land.
                continue;
            }

            if (Check(e, i) is { } problem)
            {
                rejected.Add(problem);
                continue;
            }

            WebhookCategory.TryGetEndpoint(e.EventCategory, out var endpoint);
            DateTimeOffset.TryParse(e.EventDateUtc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at);
            changes.Add(new RecordChange(e.TenantId!.ToLowerInvariant(), endpoint.Name, e.ResourceId!.ToLowerInvariant(), at));
        }

        return (new WebhookNotification(changes, first, last, rejected, receivedAt), null);
    }

    private static string? Check(WebhookEvent e, int index)
    {
        if (!WebhookCategory.TryGetEndpoint(e.EventCategory, out _))
        {
            return $"event {index}: unknown category";
        }

        if (!string.Equals(e.TenantType, "ORGANISATION", StringComparison.Ordinal))
        {
            return $"event {index}: tenant type is not ORGANISATION";
        }

        if (!TargetedFetch.IsRecordId(e.TenantId) || !Identifiers.IsValidTenantId(e.TenantId))
        {
            return $"event {index}: tenant id is not a GUID";
        }

        if (!TargetedFetch.IsRecordId(e.ResourceId))
        {
            return $"event {index}: resource id is not a GUID";
        }

        if (e.EventType is not ("CREATE" or "UPDATE"))
        {
            return $"event {index}: event type is not CREATE or UPDATE";
        }

        if (!DateTimeOffset.TryParse(e.EventDateUtc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out _))
        {
            return $"event {index}: eventDateUtc is not a date";
        }

        return null;
    }
}
