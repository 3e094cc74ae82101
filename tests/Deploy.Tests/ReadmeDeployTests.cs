using System.Text.RegularExpressions;

namespace XeroSync.Tests;

/// <summary>
/// The deploy runbook (docs/deploy.md) against deploy/terraform: every output, resource, TF_VAR_ and snake_case name it mentions
/// exists in the Terraform, it names every variable, every dataset and both Scheduler jobs. A rename on either side
/// fails here instead of in an operator's shell.
/// </summary>
public sealed partial class ReadmeDeployTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task The_deploy_runbook_names_only_what_the_terraform_defines_and_all_of_its_variables()
    {
        var model = (await TerraformCheck.LoadAsync(Ct)).With("var.client_name", "{client}").With("var.project", "{project}");
        var section = DeploySection();

        foreach (Match output in OutputUse().Matches(section))
        {
            Assert.True(model.Outputs.Contains(output.Groups[1].Value), $"docs/deploy.md uses `terraform output {output.Groups[1].Value}`, which outputs.tf does not define");
        }

        var targets = TargetUse().Matches(section).Select(m => (Type: m.Groups[1].Value, Name: m.Groups[2].Value)).ToList();
        Assert.NotEmpty(targets);
        foreach (var (type, name) in targets)
        {
            model.Resource(type, name);
        }

        foreach (Match variable in TfVarUse().Matches(section))
        {
            Assert.True(model.HasVariable(variable.Groups[1].Value), $"docs/deploy.md sets TF_VAR_{variable.Groups[1].Value}, which variables.tf does not declare");
        }

        var datasets = model.Resources["google_bigquery_dataset"].Values.Select(d => model.Value(d, "dataset_id")!).ToList();
        var jobs = model.Resources["google_cloud_scheduler_job"].Values.Select(j => model.Value(j, "name")!).ToList();
        Assert.Equal(3, datasets.Count);
        Assert.Equal(4, jobs.Count);
        var named = new HashSet<string>(model.Variables.Concat(model.Outputs).Concat(datasets), StringComparer.Ordinal);

        // Every snake_case name in backticks is a variable, an output or a dataset.
        var unknown = SnakeCase().Matches(section).Select(m => m.Groups[1].Value).Where(n => !named.Contains(n)).Distinct().ToList();
        Assert.True(unknown.Count == 0, "docs/deploy.md names what deploy/terraform does not define: " + string.Join(", ", unknown));

        // Every variable is documented there (the Xero credentials as TF_VAR_*; the rotation counter under Operate).
        var operate = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "operate.md"));
        var undocumented = model.Variables.Where(v => !section.Contains($"`{v}`", StringComparison.Ordinal) && !section.Contains("TF_VAR_" + v, StringComparison.Ordinal)
            && !(v == "xero_credentials_version" && operate.Contains("xero_credentials_version", StringComparison.Ordinal))).ToList();
        Assert.True(undocumented.Count == 0, "Variables docs/deploy.md does not mention: " + string.Join(", ", undocumented));

        Assert.All(datasets, d => Assert.Contains($"`{d}`", section, StringComparison.Ordinal));
        Assert.All(jobs, j => Assert.Contains($"`{j}`", section, StringComparison.Ordinal));
    }

    private static string DeploySection()
    {
        var path = Path.Combine(RepositoryPaths.Root, "docs", "deploy.md");
        Assert.True(File.Exists(path), "docs/deploy.md, the deploy runbook, is missing");
        return File.ReadAllText(path);
    }

    [GeneratedRegex(@"terraform output -raw ([a-z_]+)")]
    private static partial Regex OutputUse();

    [GeneratedRegex(@"-target=(google_[a-z0-9_]+)\.([a-z0-9_]+)")]
    private static partial Regex TargetUse();

    [GeneratedRegex(@"TF_VAR_([a-z0-9_]+)")]
    private static partial Regex TfVarUse();

    [GeneratedRegex(@"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`")]
    private static partial Regex SnakeCase();
}
