using XeroSync.Configuration;
using XeroSync.Dispatcher;
using XeroSync.Dispatcher.Routes;
using XeroSync.Security;

if (ContainerHealthProbe.IsRequested(args))
{
    return await ContainerHealthProbe.RunAsync(Environment.GetEnvironmentVariable, CancellationToken.None);
}

var builder = WebApplication.CreateBuilder(args);
try
{
    builder.AddDispatcherService();
}
catch (InvalidOperationException ex)
{
    // Bad configuration: say what to fix, without a stack trace, and exit non-zero.
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

var app = builder.Build();
app.UseOidcVerification();
app.MapDispatcherEndpoints();
app.MapWebhookEndpoints();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so the in-process test host can find it.</summary>
public partial class Program;
