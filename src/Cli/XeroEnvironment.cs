using XeroSync.Xero;

namespace XeroSync.Cli;

/// <summary>Reads the Xero connection settings from the environment and checks them.</summary>
public static class XeroEnvironment
{
    public static XeroOptions Read(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var options = new XeroOptions
        {
            ClientId = environment("XERO_CLIENT_ID"),
            ClientSecret = environment("XERO_CLIENT_SECRET"),
            RefreshToken = environment("XERO_REFRESH_TOKEN"),
        };
        options.ApiUrl = ParseUrl(environment("XERO_API_URL"), "XERO_API_URL") ?? options.ApiUrl;
        options.IdentityUrl = ParseUrl(environment("XERO_IDENTITY_URL"), "XERO_IDENTITY_URL") ?? options.IdentityUrl;
        options.LoginUrl = ParseUrl(environment("XERO_LOGIN_URL"), "XERO_LOGIN_URL") ?? options.LoginUrl;
        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage).ToList();
        if (options.ReadAttemptTimeout(environment) is { } attemptTimeout)
        {
            problems.Add(attemptTimeout);
        }

        if (problems.Count > 0)
        {
            throw new CliUsageException(string.Join(Environment.NewLine, problems));
        }

        return options;
    }

    private static Uri? ParseUrl(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value.TrimEnd('/') + "/", UriKind.Absolute, out var url)
            ? url
            : throw new CliUsageException($"{name} is not an absolute URL: '{Identifiers.Printable(value)}'.");
    }
}
