using System.Text.Json.Serialization;

namespace XeroSync.Xero;

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(XeroPagination))]
[JsonSerializable(typeof(List<XeroConnection>))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(TokenErrorResponse))]
[JsonSerializable(typeof(StoredRefreshToken))]
internal sealed partial class XeroJsonContext : JsonSerializerContext;
