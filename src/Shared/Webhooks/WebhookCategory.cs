using XeroSync.Xero;

namespace XeroSync.Webhooks;

/// <summary>
/// The webhook event categories of organisation records and the endpoint each names (Xero-OpenAPI xero-webhooks.yaml;
/// PREPAYMENT and PAYMENT from the 2026 releases). SUBSCRIPTION events concern the app, not an organisation's records.
/// </summary>
public static class WebhookCategory
{
    private static readonly Dictionary<string, string> Endpoints = new(StringComparer.Ordinal)
    {
        ["CONTACT"] = "Contacts",
        ["INVOICE"] = "Invoices",
        ["CREDITNOTE"] = "CreditNotes",
        ["PREPAYMENT"] = "Prepayments",
        ["PAYMENT"] = "Payments",
    };

    public const string Subscription = "SUBSCRIPTION";

    /// <summary>The categories whose events name an organisation's records.</summary>
    public static IReadOnlyCollection<string> Categories => Endpoints.Keys;

    /// <summary>The endpoints webhook events can name.</summary>
    public static IReadOnlyList<XeroEndpoint> AllEndpoints { get; } = [.. Endpoints.Values.Order(StringComparer.Ordinal).Select(EndpointCatalog.Get)];

    /// <summary>The endpoint of <paramref name="category"/>, false for any other text.</summary>
    public static bool TryGetEndpoint(string? category, out XeroEndpoint endpoint)
    {
        endpoint = null!;
        if (category is null || !Endpoints.TryGetValue(category, out var name))
        {
            return false;
        }

        endpoint = EndpointCatalog.Get(name);
        return true;
    }
}
