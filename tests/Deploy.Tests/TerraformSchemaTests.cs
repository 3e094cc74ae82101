namespace XeroSync.Tests;

/// <summary>deploy/terraform against the Google provider's schema, and the checker against known-bad input.</summary>
public sealed class TerraformSchemaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task Every_google_block_in_deploy_terraform_matches_the_provider_schema()
    {
        var result = await TerraformCheck.CheckAsync([TerraformCheck.TerraformFolder], Ct);

        Assert.True(result.ExitCode == 0, result.Describe());
        var summary = result.Output.Trim().Split('\n')[^1];
        Assert.Matches(@"^\d+ files, \d+ google blocks checked against @cdktf/provider-google 16\.12\.1: 0 problem\(s\)$", summary);
        var blocks = int.Parse(summary.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(blocks >= 50, $"only {blocks} google blocks were checked: {summary}");
    }

    [Fact(Timeout = 120_000)]
    public async Task The_checker_rejects_unknown_types_arguments_and_blocks_and_missing_required_arguments()
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "bad.tf");
        await File.WriteAllTextAsync(file, """
            resource "google_storage_buckett" "typo" {
              name     = "b"
              location = "EU"
            }

            resource "google_pubsub_topic" "unknown_argument" {
              name           = "t"
              retention_days = 7
            }

            resource "google_pubsub_subscription" "missing_topic_and_nested_typo" {
              name = "s"
              push_config {
                push_endpoint = "https://example.invalid/pubsub"
                oidc_token {
                  service_account_mail = "a@b.iam.gserviceaccount.com"
                }
              }
            }

            resource "google_storage_bucket" "nested_missing_required" {
              name     = "b"
              location = "EU"
              lifecycle_rule {
                condition {
                  age = 1
                }
              }
              dynamic "corz" {
                for_each = []
                content {}
              }
            }

            resource "google_cloud_run_v2_service" "deep_typo" {
              name     = "s"
              location = "europe-west2"
              template {
                containers {
                  image = "i"
                  env {
                    name = "A"
                    value_source {
                      secret_key_ref {
                        secret  = "s"
                        versoin = "latest"
                      }
                    }
                  }
                }
              }
            }

            data "google_projekt" "p" {}
            """, Ct);

        var result = await TerraformCheck.CheckAsync([file], Ct);

        Assert.Equal(1, result.ExitCode);
        string[] expected =
        [
            "google_storage_buckett.typo: unknown resource type \"google_storage_buckett\"",
            "google_pubsub_topic.unknown_argument: unknown argument or block \"retention_days\"",
            "google_pubsub_subscription.missing_topic_and_nested_typo: missing required argument \"topic\"",
            "google_pubsub_subscription.missing_topic_and_nested_typo.push_config.oidc_token: unknown argument or block \"service_account_mail\"",
            "google_pubsub_subscription.missing_topic_and_nested_typo.push_config.oidc_token: missing required argument \"service_account_email\"",
            "google_storage_bucket.nested_missing_required.lifecycle_rule: missing required argument \"action\"",
            "google_storage_bucket.nested_missing_required: unknown dynamic block \"corz\"",
            "google_cloud_run_v2_service.deep_typo.template.containers.env.value_source.secret_key_ref: unknown argument or block \"versoin\"",
            "data.google_projekt.p: unknown data source type \"google_projekt\"",
        ];
        foreach (var line in expected)
        {
            Assert.Contains(line, result.Output, StringComparison.Ordinal);
        }

        Assert.Contains(": 9 problem(s)", result.Output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_checker_reports_hcl_syntax_errors()
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "broken.tf");
        await File.WriteAllTextAsync(file, "resource \"google_pubsub_topic\" \"t\" {\n  name = \n", Ct);

        var result = await TerraformCheck.CheckAsync([file], Ct);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HCL parse error", result.Output, StringComparison.Ordinal);
    }
}
