using System.Text.Json.Serialization;

namespace XeroSync.Google.Firestore;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(FirestoreValue))]
[JsonSerializable(typeof(BatchGetRequestDto))]
[JsonSerializable(typeof(List<BatchGetResponseItemDto>))]
[JsonSerializable(typeof(BeginTransactionRequestDto))]
[JsonSerializable(typeof(BeginTransactionResponseDto))]
[JsonSerializable(typeof(CommitRequestDto))]
[JsonSerializable(typeof(FirestoreCommitResult))]
[JsonSerializable(typeof(RollbackRequestDto))]
[JsonSerializable(typeof(List<RunQueryResponseItemDto>))]
internal sealed partial class FirestoreJsonContext : JsonSerializerContext;
