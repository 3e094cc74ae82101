namespace XeroSync.Google.PubSub;

internal sealed record NoWrapperDto(bool WriteMetadata);
