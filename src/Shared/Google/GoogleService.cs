namespace XeroSync.Google;

/// <summary>The Google Cloud services the pipeline calls over REST.</summary>
public enum GoogleService
{
    PubSub,
    Firestore,
    Storage,
    BigQuery,
    SecretManager,
}
