using System.Text.Json.Serialization;

namespace XeroSync.Xero;

/// <summary>The <c>pagination</c> object of page+pageSize endpoints.</summary>
public sealed record XeroPagination(
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("pageCount")] int PageCount,
    [property: JsonPropertyName("itemCount")] int ItemCount);
