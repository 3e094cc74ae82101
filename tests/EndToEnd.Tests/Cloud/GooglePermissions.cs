using System.Text.Json;
using System.Text.RegularExpressions;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// What each recorded Google call needs, from each API method's reference page ("IAM Permissions" / "Authorization"):
/// BigQuery datasets.insert -> bigquery.datasets.create on the project; tables.insert / tables.update ->
/// bigquery.tables.create / update on the dataset; jobs.insert and jobs.query -> bigquery.jobs.create on the project,
/// plus for a load bigquery.tables.updateData (and create, for CREATE_IF_NEEDED) on the destination's dataset and
/// storage.objects.get on the source bucket, for a query bigquery.tables.getData on every table it reads; getting your
/// own job needs nothing more; tabledata.insertAll -> bigquery.tables.updateData on the table's dataset. Cloud Storage objects insert / get / list / delete -> storage.objects.create / get /
/// list / delete on the bucket. Pub/Sub topics.publish -> pubsub.topics.publish on the topic. Firestore
/// beginTransaction / rollback -> datastore.databases.get; commit -> datastore.entities.create / update / delete per
/// write; batchGet / get -> datastore.entities.get; runQuery -> datastore.entities.list and get. Secret Manager
/// versions access / add / disable / destroy / list -> secretmanager.versions.access / add / disable / destroy / list on
/// the secret. A call none of these rules knows is returned as "unmapped:" so the test fails and names it.
/// </summary>
internal static partial class GooglePermissions
{
    /// <param name="call">The recorded call.</param>
    /// <param name="resource">Maps the test's own names (a bucket, topic or secret of the e2e environment) to a resource key.</param>
    public static IReadOnlyList<RequiredPermission> For(RecordedCall call, Func<string, string, string> resource)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(resource);
        return call.Api switch
        {
            "bigquery" => BigQuery(call, resource),
            "storage" => Storage(call, resource),
            "pubsub" => PubSub(call, resource),
            "firestore" => Firestore(call),
            "secretmanager" => SecretManager(call, resource),
            _ => [Unmapped(call)],
        };
    }

    private static RequiredPermission Unmapped(RecordedCall call) => new("unmapped:" + call, "?");

    private static List<RequiredPermission> BigQuery(RecordedCall call, Func<string, string, string> resource)
    {
        var path = call.Path;
        if (call.Method == "POST" && DatasetsPath().IsMatch(path))
        {
            return [new("bigquery.datasets.create", "project")];
        }

        if (call.Method == "POST" && InsertAllPath().Match(path) is { Success: true } insert)
        {
            return [new("bigquery.tables.updateData", "dataset:" + insert.Groups[1].Value)];
        }

        if (call.Method == "POST" && TablesPath().Match(path) is { Success: true } tables)
        {
            return [new("bigquery.tables.create", "dataset:" + tables.Groups[1].Value)];
        }

        if (call.Method is "PUT" or "PATCH" && TablePath().Match(path) is { Success: true } table)
        {
            return [new("bigquery.tables.update", "dataset:" + table.Groups[1].Value)];
        }

        if (call.Method == "GET" && TablePath().Match(path) is { Success: true } read)
        {
            return [new("bigquery.tables.get", "dataset:" + read.Groups[1].Value)];
        }

        if (call.Method == "GET" && (JobPath().IsMatch(path) || QueryResultsPath().IsMatch(path)))
        {
            return []; // the creator's own job
        }

        if (call.Method == "POST" && QueriesPath().IsMatch(path))
        {
            using var body = JsonDocument.Parse(call.Body);
            return [new("bigquery.jobs.create", "project"), .. Reads(body.RootElement.GetProperty("query").GetString()!)];
        }

        if (call.Method == "POST" && JobsPath().IsMatch(path))
        {
            using var body = JsonDocument.Parse(call.Body);
            var configuration = body.RootElement.GetProperty("configuration");
            List<RequiredPermission> needed = [new("bigquery.jobs.create", "project")];
            if (configuration.TryGetProperty("load", out var load))
            {
                var dataset = "dataset:" + load.GetProperty("destinationTable").GetProperty("datasetId").GetString();
                needed.Add(new("bigquery.tables.updateData", dataset));
                needed.Add(new("bigquery.tables.create", dataset));
                foreach (var uri in load.GetProperty("sourceUris").EnumerateArray())
                {
                    var bucket = uri.GetString()!["gs://".Length..].Split('/')[0];
                    needed.Add(new("storage.objects.get", resource("bucket", bucket)));
                }
            }
            else if (configuration.TryGetProperty("query", out var query))
            {
                needed.AddRange(Reads(query.GetProperty("query").GetString()!));
            }
            else
            {
                needed.Add(Unmapped(call));
            }

            return needed;
        }

        return [Unmapped(call)];
    }

    private static IEnumerable<RequiredPermission> Reads(string sql) =>
        QualifiedTable().Matches(sql).Select(m => new RequiredPermission("bigquery.tables.getData", "dataset:" + m.Groups[1].Value)).Distinct();

    private static List<RequiredPermission> Storage(RecordedCall call, Func<string, string, string> resource)
    {
        if (StoragePath().Match(call.Path) is not { Success: true } match)
        {
            return [Unmapped(call)];
        }

        var bucket = resource("bucket", match.Groups["bucket"].Value);
        var upload = match.Groups["upload"].Success;
        var hasObject = match.Groups["object"].Success && match.Groups["object"].Value.Length > 0;
        return (call.Method, upload, hasObject) switch
        {
            ("POST" or "PUT", true, _) => [new("storage.objects.create", bucket)],
            ("GET", false, true) => [new("storage.objects.get", bucket)],
            ("GET", false, false) => [new("storage.objects.list", bucket)],
            ("DELETE", false, true) => [new("storage.objects.delete", bucket)],
            _ => [Unmapped(call)],
        };
    }

    private static List<RequiredPermission> PubSub(RecordedCall call, Func<string, string, string> resource) =>
        call.Method == "POST" && PublishPath().Match(call.Path) is { Success: true } publish
            ? [new("pubsub.topics.publish", resource("topic", publish.Groups[1].Value))]
            : [Unmapped(call)];

    private static List<RequiredPermission> Firestore(RecordedCall call)
    {
        var path = call.Path;
        if (path.EndsWith(":beginTransaction", StringComparison.Ordinal) || path.EndsWith(":rollback", StringComparison.Ordinal))
        {
            return [new("datastore.databases.get", "project")];
        }

        if (path.EndsWith(":commit", StringComparison.Ordinal) || path.EndsWith(":batchWrite", StringComparison.Ordinal))
        {
            using var body = JsonDocument.Parse(call.Body);
            var needed = new List<RequiredPermission>();
            var writes = body.RootElement.TryGetProperty("writes", out var list) ? list.EnumerateArray().ToList() : [];
            foreach (var write in writes)
            {
                if (write.TryGetProperty("delete", out _))
                {
                    needed.Add(new("datastore.entities.delete", "project"));
                }
                else
                {
                    var mustNotExist = write.TryGetProperty("currentDocument", out var current) && current.TryGetProperty("exists", out var exists) && !exists.GetBoolean();
                    var mustExist = write.TryGetProperty("currentDocument", out current) && (current.TryGetProperty("updateTime", out _) || (current.TryGetProperty("exists", out exists) && exists.GetBoolean()));
                    if (!mustExist)
                    {
                        needed.Add(new("datastore.entities.create", "project"));
                    }

                    if (!mustNotExist)
                    {
                        needed.Add(new("datastore.entities.update", "project"));
                    }
                }
            }

            return needed.Count == 0 ? [new("datastore.databases.get", "project")] : [.. needed.Distinct()];
        }

        if (path.EndsWith(":batchGet", StringComparison.Ordinal))
        {
            return [new("datastore.entities.get", "project")];
        }

        if (path.EndsWith(":runQuery", StringComparison.Ordinal) || path.EndsWith(":runAggregationQuery", StringComparison.Ordinal))
        {
            return [new("datastore.entities.list", "project"), new("datastore.entities.get", "project")];
        }

        if (path.Contains("/documents/", StringComparison.Ordinal))
        {
            return call.Method switch
            {
                "GET" => [new("datastore.entities.get", "project")],
                "PATCH" => [new("datastore.entities.update", "project"), new("datastore.entities.create", "project")],
                "DELETE" => [new("datastore.entities.delete", "project")],
                "POST" => [new("datastore.entities.create", "project")],
                _ => [Unmapped(call)],
            };
        }

        return [Unmapped(call)];
    }

    private static List<RequiredPermission> SecretManager(RecordedCall call, Func<string, string, string> resource)
    {
        if (SecretPath().Match(call.Path) is not { Success: true } match)
        {
            return [Unmapped(call)];
        }

        var secret = resource("secret", match.Groups["secret"].Value);
        var verb = match.Groups["verb"].Value;
        var permission = (call.Method, verb, match.Groups["versions"].Success) switch
        {
            ("GET", "access", _) => "secretmanager.versions.access",
            ("POST", "addVersion", _) => "secretmanager.versions.add",
            ("POST", "disable", _) => "secretmanager.versions.disable",
            ("POST", "enable", _) => "secretmanager.versions.enable",
            ("POST", "destroy", _) => "secretmanager.versions.destroy",
            ("GET", "", true) => "secretmanager.versions.list",
            _ => null,
        };
        return permission is null ? [Unmapped(call)] : [new(permission, secret)];
    }

    [GeneratedRegex(@"/projects/[^/]+/datasets$")]
    private static partial Regex DatasetsPath();

    [GeneratedRegex(@"/projects/[^/]+/datasets/([^/]+)/tables$")]
    private static partial Regex TablesPath();

    [GeneratedRegex(@"/projects/[^/]+/datasets/([^/]+)/tables/[^/]+$")]
    private static partial Regex TablePath();

    [GeneratedRegex(@"/projects/[^/]+/datasets/([^/]+)/tables/[^/]+/insertAll$")]
    private static partial Regex InsertAllPath();

    [GeneratedRegex(@"/projects/[^/]+/jobs/[^/]+$")]
    private static partial Regex JobPath();

    [GeneratedRegex(@"/projects/[^/]+/queries/[^/]+$")]
    private static partial Regex QueryResultsPath();

    [GeneratedRegex(@"/projects/[^/]+/queries$")]
    private static partial Regex QueriesPath();

    [GeneratedRegex(@"/projects/[^/]+/jobs$")]
    private static partial Regex JobsPath();

    [GeneratedRegex(@"`[^`.]+\.([A-Za-z0-9_]+)\.[^`]+`")]
    private static partial Regex QualifiedTable();

    [GeneratedRegex(@"^/(?<upload>upload/)?storage/v1/b/(?<bucket>[^/]+)/o(?:/(?<object>.*))?$")]
    private static partial Regex StoragePath();

    [GeneratedRegex(@"/projects/[^/]+/topics/([^/:]+):publish$")]
    private static partial Regex PublishPath();

    [GeneratedRegex(@"/projects/[^/]+/secrets/(?<secret>[^/:]+)(?<versions>/versions)?(?:/[^/:]+)?(?::(?<verb>[A-Za-z]+))?$")]
    private static partial Regex SecretPath();
}
