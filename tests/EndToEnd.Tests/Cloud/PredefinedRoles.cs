namespace XeroSync.Tests.Cloud;

/// <summary>
/// The permissions of the predefined roles deploy/terraform grants, written from Google's IAM reference
/// (cloud.google.com/iam/docs/roles-permissions/{bigquery,storage,pubsub,firestore,secretmanager,run,eventarc,iam}),
/// not from the code or the Terraform. Each list holds the role's permissions on the services XeroSync calls; the
/// few project-metadata permissions every role carries (resourcemanager.projects.get/list) are left out.
/// A granted role missing here fails the test: add it from the reference, never from what the test needs.
/// </summary>
internal static class PredefinedRoles
{
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Permissions { get; } = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        // "BigQuery Job User": run jobs, including queries, within the project. A job's creator may also get and
        // update it without further permission (BigQuery "Understand jobs": bigquery.jobs.get / update are granted
        // on the jobs you create).
        ["roles/bigquery.jobUser"] = Set("bigquery.config.get", "bigquery.jobs.create"),

        // "BigQuery Data Editor". bigquery.datasets.create is in the role but only means something where the role is
        // granted on the project; on a dataset it cannot create one.
        ["roles/bigquery.dataEditor"] = Set(
            "bigquery.config.get", "bigquery.datasets.create", "bigquery.datasets.get", "bigquery.datasets.getIamPolicy",
            "bigquery.datasets.updateTag", "bigquery.models.create", "bigquery.models.delete", "bigquery.models.export",
            "bigquery.models.getData", "bigquery.models.getMetadata", "bigquery.models.list", "bigquery.models.updateData",
            "bigquery.models.updateMetadata", "bigquery.models.updateTag", "bigquery.routines.create", "bigquery.routines.delete",
            "bigquery.routines.get", "bigquery.routines.list", "bigquery.routines.update", "bigquery.routines.updateTag",
            "bigquery.tables.create", "bigquery.tables.createIndex", "bigquery.tables.createSnapshot", "bigquery.tables.delete",
            "bigquery.tables.deleteIndex", "bigquery.tables.export", "bigquery.tables.get", "bigquery.tables.getData",
            "bigquery.tables.getIamPolicy", "bigquery.tables.list", "bigquery.tables.restoreSnapshot", "bigquery.tables.update",
            "bigquery.tables.updateData", "bigquery.tables.updateTag"),

        // "Storage Object User": read, write and delete objects (no bucket or IAM administration).
        ["roles/storage.objectUser"] = Set(
            "storage.managedFolders.create", "storage.managedFolders.delete", "storage.managedFolders.get", "storage.managedFolders.list",
            "storage.multipartUploads.abort", "storage.multipartUploads.create", "storage.multipartUploads.list",
            "storage.multipartUploads.listParts", "storage.objects.create", "storage.objects.delete", "storage.objects.get",
            "storage.objects.list", "storage.objects.restore", "storage.objects.update"),

        // "Pub/Sub Publisher" and "Pub/Sub Subscriber".
        ["roles/pubsub.publisher"] = Set("pubsub.topics.publish"),
        ["roles/pubsub.subscriber"] = Set("pubsub.snapshots.seek", "pubsub.subscriptions.consume", "pubsub.topics.attachSubscription"),

        // "Cloud Datastore User" (Firestore). datastore.databases.get is what beginTransaction and rollback need
        // (Firestore "IAM": "Begin or rollback a transaction").
        ["roles/datastore.user"] = Set(
            "appengine.applications.get", "datastore.databases.get", "datastore.databases.getMetadata", "datastore.databases.list",
            "datastore.entities.allocateIds", "datastore.entities.create", "datastore.entities.delete", "datastore.entities.get",
            "datastore.entities.list", "datastore.entities.update", "datastore.indexes.list", "datastore.namespaces.get",
            "datastore.namespaces.list", "datastore.statistics.get", "datastore.statistics.list"),

        // "Secret Manager Secret Accessor" and "Secret Manager Secret Version Manager".
        ["roles/secretmanager.secretAccessor"] = Set("secretmanager.versions.access"),
        ["roles/secretmanager.secretVersionManager"] = Set(
            "secretmanager.versions.add", "secretmanager.versions.destroy", "secretmanager.versions.disable",
            "secretmanager.versions.enable", "secretmanager.versions.get", "secretmanager.versions.list"),

        // "Cloud Run Invoker", "Eventarc Event Receiver", "Service Account Token Creator".
        ["roles/run.invoker"] = Set("run.jobs.run", "run.routes.invoke"),
        ["roles/eventarc.eventReceiver"] = Set("eventarc.events.receiveAuditLogWritten", "eventarc.events.receiveEvent"),
        ["roles/iam.serviceAccountTokenCreator"] = Set(
            "iam.serviceAccounts.get", "iam.serviceAccounts.getAccessToken", "iam.serviceAccounts.getOpenIdToken",
            "iam.serviceAccounts.implicitDelegation", "iam.serviceAccounts.list", "iam.serviceAccounts.signBlob", "iam.serviceAccounts.signJwt"),
    };

    private static HashSet<string> Set(params string[] permissions) => new(permissions, StringComparer.Ordinal);
}
