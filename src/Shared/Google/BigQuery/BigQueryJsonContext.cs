using System.Text.Json.Serialization;

namespace XeroSync.Google.BigQuery;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(JobDto))]
[JsonSerializable(typeof(DatasetDto))]
[JsonSerializable(typeof(TableDto))]
[JsonSerializable(typeof(QueryRequestDto))]
[JsonSerializable(typeof(QueryResponseDto))]
[JsonSerializable(typeof(InsertAllRequestDto))]
[JsonSerializable(typeof(InsertAllResponseDto))]
internal sealed partial class BigQueryJsonContext : JsonSerializerContext;
