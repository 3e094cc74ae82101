using XeroSync.Contracts;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>Checks a FetchRequest from outside before any of it reaches an object name, a query or a log line.</summary>
public static class FetchRequestValidator
{
    public const int MaxPage = 99_999;

    /// <summary>Null when valid; otherwise a reason safe to log (it never echoes the bad value).</summary>
    public static string? Validate(FetchRequest? request)
    {
        if (request is null)
        {
            return "empty message";
        }

        if (request.SchemaVersion != FetchRequest.CurrentSchemaVersion)
        {
            return "unsupported FetchRequest schema version";
        }

        if (!Identifiers.IsValidRunId(request.RunId))
        {
            return "invalid run id";
        }

        if (!Identifiers.IsValidTenantId(request.TenantId))
        {
            return "invalid tenant id";
        }

        if (!EndpointCatalog.TryGet(request.Endpoint, out var endpoint) || !string.Equals(endpoint.Name, request.Endpoint, StringComparison.Ordinal))
        {
            return "unknown endpoint";
        }

        if (request.FirstPage < 1 || request.LastPage < request.FirstPage || request.LastPage > MaxPage || request.LastPage - request.FirstPage >= 1000)
        {
            return "invalid page range";
        }

        if (request.PageBase is { } pageBase && (pageBase < 1 || pageBase >= request.FirstPage))
        {
            return "invalid page base";
        }

        if (request.Offset is < 0)
        {
            return "invalid offset";
        }

        if (request.Ids is { } ids && (!TargetedFetch.Supports(endpoint) || ids.Count == 0 || ids.Any(id => !TargetedFetch.IsRecordId(id)) ||
            request.FirstPage != 1 || request.LastPage != TargetedFetch.Pages(ids.Count, endpoint) || request.Discover || request.PageBase is not null))
        {
            return "invalid targeted ids";
        }

        return null;
    }
}
