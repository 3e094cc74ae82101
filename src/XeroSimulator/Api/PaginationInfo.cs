namespace XeroSync.XeroSimulator.Api;

internal sealed record PaginationInfo(int Page, int PageSize, int PageCount, int ItemCount);
