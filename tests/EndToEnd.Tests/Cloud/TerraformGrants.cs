using System.Text.Json;
using System.Text.RegularExpressions;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// Every IAM binding in deploy/terraform (project-level and resource-level *_iam_member resources), expanded into
/// permissions with <see cref="PredefinedRoles"/> (or the custom role's own permission list in the Terraform).
/// </summary>
internal static partial class TerraformGrants
{
    private static readonly Dictionary<string, string> ScopeArgument = new(StringComparer.Ordinal)
    {
        ["google_project_iam_member"] = "",
        ["google_bigquery_dataset_iam_member"] = "dataset_id",
        ["google_storage_bucket_iam_member"] = "bucket",
        ["google_pubsub_topic_iam_member"] = "topic",
        ["google_pubsub_subscription_iam_member"] = "subscription",
        ["google_secret_manager_secret_iam_member"] = "secret_id",
        ["google_cloud_run_v2_service_iam_member"] = "name",
        ["google_service_account_iam_member"] = "service_account_id",
    };

    public static IReadOnlyList<TerraformGrant> From(TerraformModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var grants = new List<TerraformGrant>();
        foreach (var (type, byName) in model.Resources)
        {
            if (type.EndsWith("_iam_member", StringComparison.Ordinal) || type.EndsWith("_iam_binding", StringComparison.Ordinal) || type.EndsWith("_iam_policy", StringComparison.Ordinal))
            {
                Assert.True(ScopeArgument.ContainsKey(type), $"{type} is an IAM resource this test does not expand yet: add it to TerraformGrants.");
            }

            if (!ScopeArgument.TryGetValue(type, out var scopeArgument))
            {
                continue;
            }

            foreach (var (name, body) in byName)
            {
                var address = $"{type}.{name}";
                var role = TerraformModel.Raw(body, "role")!;
                var permissions = Permissions(model, role, address);
                grants.Add(new TerraformGrant(address, Identity(TerraformModel.Raw(body, "member")!, address), role, Scope(model, type, scopeArgument, body), permissions));
            }
        }

        return grants;
    }

    private static IReadOnlySet<string> Permissions(TerraformModel model, string role, string address)
    {
        if (CustomRole().Match(role) is { Success: true } custom)
        {
            var definition = model.Resource("google_project_iam_custom_role", custom.Groups[1].Value);
            return definition.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).ToHashSet(StringComparer.Ordinal);
        }

        Assert.True(PredefinedRoles.Permissions.TryGetValue(role, out var permissions), $"{address} grants {role}, which PredefinedRoles does not list: add its permissions from Google's IAM reference.");
        return permissions;
    }

    private static string Identity(string member, string address) => member switch
    {
        "${local.pubsub_agent}" => "pubsub-agent",
        "${each.value}" => "operator",
        "allUsers" => "public",
        _ when member.Contains("google_storage_project_service_account", StringComparison.Ordinal) => "gcs-agent",
        _ when ServiceAccountMember().Match(member) is { Success: true } account => account.Groups[1].Value,
        _ => throw new InvalidOperationException($"{address}: member {member} is not one this test knows"),
    };

    private static string Scope(TerraformModel model, string type, string argument, JsonElement body)
    {
        if (argument.Length == 0)
        {
            return "project";
        }

        var raw = TerraformModel.Raw(body, argument)!;
        return type switch
        {
            "google_bigquery_dataset_iam_member" => "dataset:" + (model.Evaluate(raw) ?? raw),
            "google_storage_bucket_iam_member" => "bucket:" + ResourceName(raw),
            "google_pubsub_topic_iam_member" => "topic:" + ResourceName(raw),
            "google_pubsub_subscription_iam_member" => "subscription:" + ResourceName(raw),
            "google_secret_manager_secret_iam_member" => "secret:" + ResourceName(raw),
            "google_cloud_run_v2_service_iam_member" => "service:" + ResourceName(raw),
            "google_service_account_iam_member" => "serviceAccount:" + ResourceName(raw),
            _ => raw,
        };
    }

    /// <summary><c>${google_pubsub_topic.fetch_requests.name}</c> -> fetch_requests.</summary>
    private static string ResourceName(string reference) =>
        ReferencedResource().Match(reference) is { Success: true } match ? match.Groups[1].Value : reference;

    [GeneratedRegex(@"^\$\{google_project_iam_custom_role\.([a-z0-9_]+)\.id\}$")]
    private static partial Regex CustomRole();

    [GeneratedRegex(@"^\$\{google_service_account\.([a-z0-9_]+)\.member\}$")]
    private static partial Regex ServiceAccountMember();

    [GeneratedRegex(@"^\$\{google_[a-z0-9_]+\.([a-z0-9_]+)(?:\[0\])?\.[a-z_]+\}$")]
    private static partial Regex ReferencedResource();
}
