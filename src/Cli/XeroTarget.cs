using System.Globalization;
using Spectre.Console;
using XeroSync.Cli.Local;
using XeroSync.Xero;

namespace XeroSync.Cli;

/// <summary>
/// Which Xero a local command talks to: the in-process simulator with <c>--demo</c>, otherwise the
/// real API configured by <c>XERO_*</c> environment variables. Disposing stops the simulator.
/// </summary>
public sealed class XeroTarget : IAsyncDisposable
{
    public const int MaxDemoTenants = 50;

    private XeroTarget(XeroOptions options, DemoXero? demo)
    {
        Options = options;
        Demo = demo;
    }

    public XeroOptions Options { get; }

    public DemoXero? Demo { get; }

    public static async Task<XeroTarget> ResolveAsync(CliArguments args, CliContext context, string dataDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        if (args.Has("demo"))
        {
            var tenants = DemoTenants(args.Value("tenants"));
            var demo = await DemoXero.StartAsync(dataDirectory, tenants, context.Time, cancellationToken);
            context.Console.MarkupLine(Markup.Escape($"Demo: Xero simulator with {tenants} organisation(s) at {demo.Host.BaseUrl}"));
            return new XeroTarget(demo.Options, demo);
        }

        var options = XeroEnvironment.Read(context.Environment);
        if (!options.HasClientCredentials)
        {
            throw new CliUsageException(
                "No Xero credentials. Either run with --demo to sync the built-in Xero simulator, " +
                "or set XERO_CLIENT_ID and XERO_CLIENT_SECRET (a Xero custom connection).");
        }

        return new XeroTarget(options, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (Demo is not null)
        {
            await Demo.DisposeAsync();
        }
    }

    private static int DemoTenants(string? value)
    {
        if (value is null)
        {
            return 1;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var tenants) && tenants is >= 1 and <= MaxDemoTenants
            ? tenants
            : throw new CliUsageException($"With --demo, --tenants is the number of demo organisations (1 to {MaxDemoTenants}); got '{Identifiers.Printable(value)}'.");
    }
}
