using System.Text.Json.Serialization;
using XeroSync.Pipeline;

namespace XeroSync.Dispatcher.Routes;

[JsonSerializable(typeof(RunStartedResponse))]
[JsonSerializable(typeof(ReconcileAcceptedResponse))]
[JsonSerializable(typeof(RunStatusResponse))]
[JsonSerializable(typeof(RetryResult))]
[JsonSerializable(typeof(FreshnessResponse))]
[JsonSerializable(typeof(QuietCheckResponse))]
[JsonSerializable(typeof(TieOutRunRequest))]
[JsonSerializable(typeof(TieOutAcceptedResponse))]
internal sealed partial class DispatcherJsonContext : JsonSerializerContext;
