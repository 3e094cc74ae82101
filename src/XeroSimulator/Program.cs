using System.Globalization;
using XeroSync.XeroSimulator;

var urls = "http://127.0.0.1:5080";
var tenants = 1;
var seed = 1;
var behaviour = SimulatorBehaviour.Default;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--urls":
            urls = args[i + 1];
            break;
        case "--tenants":
            tenants = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--seed":
            seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--page-size-cap":
            behaviour = behaviour with { PageSizeCap = int.Parse(args[i + 1], CultureInfo.InvariantCulture) };
            break;
        case "--default-order":
            behaviour = behaviour with { DefaultOrder = Enum.Parse<ListOrder>(args[i + 1], ignoreCase: true) };
            break;
        default:
            await Console.Error.WriteLineAsync($"Unknown option {args[i]}. Usage: [--urls URL] [--tenants N] [--seed N] [--page-size-cap N] [--default-order Creation|UpdatedDate]");
            return 2;
    }
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var options = new SimulatorOptions { Urls = urls, Tenants = tenants, Seed = seed, Clock = new AdjustableTimeProvider(), Behaviour = behaviour };
await using var host = await XeroSimulatorHost.StartAsync(options, stop.Token);
Console.WriteLine($"Xero simulator listening on {host.BaseUrl}");
Console.WriteLine($"Client id:     {options.ClientId}");
Console.WriteLine($"Client secret: {options.ClientSecret}");
Console.WriteLine($"Tenants:       {string.Join(", ", host.State.Tenants.Select(t => $"{t.Name} ({t.TenantId})"))}");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Ctrl+C.
}

return 0;
