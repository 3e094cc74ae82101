using XeroSync.Webhooks;

namespace XeroSync.Tests;

/// <summary>
/// The validations of deploy/terraform/variables.tf, run by Terraform itself: variables.tf alone in a scratch folder
/// (no providers, no backend, nothing downloaded) and <c>terraform plan</c> with one value changed from a valid set.
/// The rules come from Google's documentation: service account ids are 6-30 characters, start with a lower-case letter
/// and end with a letter or digit (IAM "Create service accounts"); a BigQuery dataset in the EU multi-region loads
/// from buckets in regions of the EU, a regional dataset from its own region, the US multi-region from any
/// (BigQuery "Location considerations"); Pub/Sub's max delivery attempts are 5-100. Needs a terraform binary on PATH;
/// skips without one (the schema and cross checks above need none).
/// </summary>
public sealed class TerraformVariableValidationTests
{
    private static readonly Dictionary<string, string> Valid = new(StringComparer.Ordinal)
    {
        ["project"] = "acme-xerosync",
        ["client_name"] = "acme",
        ["dispatcher_image"] = "europe-west1-docker.pkg.dev/acme-xerosync/xerosync/dispatcher:1.0.0",
        ["worker_image"] = "europe-west1-docker.pkg.dev/acme-xerosync/xerosync/worker:1.0.0",
        ["xero_client_id"] = "id",
        ["xero_client_secret"] = "secret",
        ["notification_channels"] = "[\"projects/acme-xerosync/notificationChannels/123\"]",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 120_000)]
    // client_name prefixes {client}-scheduler (the longest id, 10 more characters): 1-20 characters, a letter first.
    [InlineData("client_name", "a", null)]
    [InlineData("client_name", "acme-finance-group-1", null)]
    [InlineData("client_name", "1acme", "client_name")]
    [InlineData("client_name", "acme-", "client_name")]
    [InlineData("client_name", "Acme", "client_name")]
    [InlineData("client_name", "acme-finance-group-12", "client_name")]
    [InlineData("region", "europe-west2", "bigquery_location")]
    [InlineData("region", "europe-west6", "bigquery_location")]
    [InlineData("region", "europe-west4", null)]
    [InlineData("region", "Europe West 1", "region")]
    [InlineData("max_delivery_attempts", "4", "max_delivery_attempts")]
    [InlineData("max_delivery_attempts", "100", null)]
    [InlineData("max_delivery_attempts", "101", "max_delivery_attempts")]
    [InlineData("push_deadline_seconds", "179", "push_deadline_seconds")]
    [InlineData("raw_retention_days", "0", "raw_retention_days")]
    [InlineData("worker_concurrency", "0", "worker_concurrency")]
    [InlineData("notification_channels", "[]", "notification_channels")]
    [InlineData("notification_channels", "[\"my-email\"]", "notification_channels")]
    [InlineData("operators", "[\"ops@acme.example\"]", "operators")]
    [InlineData("operators", "[\"user:ops@acme.example\", \"serviceAccount:ci@acme-xerosync.iam.gserviceaccount.com\"]", null)]
    [InlineData("tenants", "[\"not-a-guid\"]", "tenants")]
    // The egress budgets are read as the services read XEROSYNC_EGRESS_BUDGET_MB: megabytes 0 to 1,000,000, at most 6 decimals.
    [InlineData("egress_budget_mb", "0", null)]
    [InlineData("egress_budget_mb", "2500.123456", null)]
    [InlineData("egress_budget_mb", "1000000", null)]
    [InlineData("egress_budget_mb", "1000000.000001", "egress_budget_mb")]
    [InlineData("egress_budget_mb", "0.1234567", "egress_budget_mb")]
    [InlineData("egress_budget_mb", "-1", "egress_budget_mb")]
    [InlineData("egress_budget_mb", "ten", "egress_budget_mb")]
    [InlineData("tenant_egress_budget_mb", "0.001", null)]
    [InlineData("tenant_egress_budget_mb", "1e3", "tenant_egress_budget_mb")]
    [InlineData("tenant_egress_budget_mb", "1000001", "tenant_egress_budget_mb")]
    public async Task A_value_outside_the_documented_rule_is_refused_by_terraform_and_one_inside_is_accepted(string variable, string value, string? refused)
    {
        var result = await PlanAsync(new Dictionary<string, string>(Valid, StringComparer.Ordinal) { [variable] = value });

        if (refused is null)
        {
            Assert.True(result.ExitCode == 0, $"{variable}={value} should be accepted: " + result.Describe());
        }
        else
        {
            Assert.True(result.ExitCode != 0, $"{variable}={value} should be refused: " + result.Describe());
            Assert.Contains($"variable \"{refused}\"", result.Error, StringComparison.Ordinal);
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData("EU", "europe-west1", true)]
    [InlineData("US", "europe-west2", true)]
    [InlineData("europe-west2", "europe-west2", true)]
    [InlineData("europe-west2", "europe-west1", false)]
    [InlineData("US", "us-central1", true)]
    [InlineData("EU", "us-central1", false)]
    public async Task The_bigquery_location_must_hold_the_buckets_region(string location, string region, bool accepted)
    {
        var result = await PlanAsync(new Dictionary<string, string>(Valid, StringComparer.Ordinal) { ["bigquery_location"] = location, ["region"] = region });

        Assert.True(accepted == (result.ExitCode == 0), $"{location} / {region}: " + result.Describe());
    }

    [Theory(Timeout = 120_000)]
    // The quiet-category rule as docs/webhooks.md documents it: factor 1 to 100 (a number), floor 1 to 1440 minutes (a
    // number), minimum gaps a whole number from 1 to 1000. Terraform's validation and the Dispatcher's reading of the
    // variable it sets take and refuse the same values.
    [InlineData("webhook_quiet_factor", "XEROSYNC_WEBHOOK_QUIET_FACTOR", "1", true)]
    [InlineData("webhook_quiet_factor", "XEROSYNC_WEBHOOK_QUIET_FACTOR", "2.5", true)]
    [InlineData("webhook_quiet_factor", "XEROSYNC_WEBHOOK_QUIET_FACTOR", "100", true)]
    [InlineData("webhook_quiet_factor", "XEROSYNC_WEBHOOK_QUIET_FACTOR", "0.5", false)]
    [InlineData("webhook_quiet_factor", "XEROSYNC_WEBHOOK_QUIET_FACTOR", "100.5", false)]
    [InlineData("webhook_quiet_floor_minutes", "XEROSYNC_WEBHOOK_QUIET_FLOOR_MINUTES", "1", true)]
    [InlineData("webhook_quiet_floor_minutes", "XEROSYNC_WEBHOOK_QUIET_FLOOR_MINUTES", "1440", true)]
    [InlineData("webhook_quiet_floor_minutes", "XEROSYNC_WEBHOOK_QUIET_FLOOR_MINUTES", "0", false)]
    [InlineData("webhook_quiet_floor_minutes", "XEROSYNC_WEBHOOK_QUIET_FLOOR_MINUTES", "1441", false)]
    [InlineData("webhook_quiet_min_gaps", "XEROSYNC_WEBHOOK_QUIET_MIN_GAPS", "1", true)]
    [InlineData("webhook_quiet_min_gaps", "XEROSYNC_WEBHOOK_QUIET_MIN_GAPS", "1000", true)]
    [InlineData("webhook_quiet_min_gaps", "XEROSYNC_WEBHOOK_QUIET_MIN_GAPS", "0", false)]
    [InlineData("webhook_quiet_min_gaps", "XEROSYNC_WEBHOOK_QUIET_MIN_GAPS", "2.5", false)]
    [InlineData("webhook_quiet_min_gaps", "XEROSYNC_WEBHOOK_QUIET_MIN_GAPS", "1001", false)]
    public async Task The_quiet_settings_are_refused_by_terraform_exactly_when_the_dispatcher_refuses_them(string variable, string environmentVariable, string value, bool accepted)
    {
        var result = await PlanAsync(new Dictionary<string, string>(Valid, StringComparer.Ordinal) { [variable] = value });
        var readByCode = Record.Exception(() => WebhookOptions.FromEnvironment(name => name == environmentVariable ? value : null, new WebhookOptions()));

        Assert.True(accepted == (readByCode is null), $"{environmentVariable}={value}: the Dispatcher {(readByCode is null ? "accepts it" : "refuses it: " + readByCode.Message)}");
        if (accepted)
        {
            Assert.True(result.ExitCode == 0, $"{variable}={value} should be accepted: " + result.Describe());
        }
        else
        {
            Assert.True(result.ExitCode != 0, $"{variable}={value} should be refused: " + result.Describe());
            Assert.Contains($"variable \"{variable}\"", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Example_tfvars_passes_every_validation()
    {
        var example = Path.Combine(TerraformCheck.TerraformFolder, "example.tfvars");
        var result = await PlanAsync(new Dictionary<string, string>(StringComparer.Ordinal) { ["xero_client_id"] = "id", ["xero_client_secret"] = "secret" }, example);

        Assert.True(result.ExitCode == 0, result.Describe());
    }

    private static async Task<ProcessResult> PlanAsync(Dictionary<string, string> variables, string? varFile = null)
    {
        var terraform = ProcessRunner.FindOnPath("terraform");
        if (terraform is null)
        {
            Assert.Skip("terraform is not on PATH: the variables' validations are not run (no provider is needed, only the binary).");
        }

        var folder = Directory.CreateTempSubdirectory("tfvalidate-").FullName;
        try
        {
            File.Copy(Path.Combine(TerraformCheck.TerraformFolder, "variables.tf"), Path.Combine(folder, "variables.tf"));
            var init = await ProcessRunner.RunAsync(terraform!, ["init", "-input=false", "-no-color"], folder, Ct);
            Assert.True(init.ExitCode == 0, "terraform init (no providers) failed: " + init.Describe());
            List<string> arguments = ["plan", "-input=false", "-no-color", "-lock=false"];
            if (varFile is not null)
            {
                arguments.Add("-var-file=" + varFile);
            }

            arguments.AddRange(variables.Select(v => $"-var={v.Key}={v.Value}"));
            return await ProcessRunner.RunAsync(terraform!, arguments, folder, Ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
