using System.Text.Json;

namespace XeroSync.Tests;

/// <summary>
/// deploy/terraform/check/check.js: HashiCorp's HCL parser (npm @cdktf/hcl2json) plus the Google provider's
/// schema (jsii assembly of npm @cdktf/provider-google). Needs node and `npm ci` in that folder; the test
/// skips with a message when they are absent, except under CI=true where absence fails.
/// </summary>
public static class TerraformCheck
{
    public static string TerraformFolder => Path.Combine(RepositoryPaths.Root, "deploy", "terraform");

    public static string CheckFolder => Path.Combine(TerraformFolder, "check");

    /// <summary>The node executable; skips (or fails under CI) when node or the npm packages are missing.</summary>
    public static string RequireNode()
    {
        var node = ProcessRunner.FindOnPath("node");
        var modules = Path.Combine(CheckFolder, "node_modules");
        var missing = node is null
            ? "node is not on PATH"
            : !File.Exists(Path.Combine(modules, "@cdktf", "provider-google", ".jsii")) || !Directory.Exists(Path.Combine(modules, "@cdktf", "hcl2json"))
                ? $"the npm packages are not installed in {CheckFolder} (run `npm ci` there; .ci/run does)"
                : null;
        if (missing is null)
        {
            return node!;
        }

        if (RepositoryPaths.IsCi)
        {
            Assert.Fail($"The Terraform check cannot run: {missing}. Under CI=true that is a failure.");
        }

        Assert.Skip($"The Terraform check cannot run: {missing}.");
        return string.Empty;
    }

    /// <summary>Checks <paramref name="targets"/> (folders or .tf files) against the provider schema.</summary>
    public static Task<ProcessResult> CheckAsync(IEnumerable<string> targets, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(RequireNode(), ["check.js", .. targets], CheckFolder, cancellationToken);

    /// <summary>The parsed HCL of every .tf file in deploy/terraform.</summary>
    public static async Task<TerraformModel> LoadAsync(CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(RequireNode(), ["check.js", "--dump", TerraformFolder], CheckFolder, cancellationToken);
        Assert.True(result.ExitCode == 0, "check.js --dump failed: " + result.Describe());
        using var document = JsonDocument.Parse(result.Output);
        return TerraformModel.From(document.RootElement);
    }
}
