using XeroSync.Security;
using XeroSync.Worker;
using XeroSync.Worker.Routes;

var builder = WebApplication.CreateBuilder(args);
builder.AddWorkerService();
var app = builder.Build();
app.UseOidcVerification();
app.MapWorkerEndpoints();
await app.RunAsync();

/// <summary>Entry point; public so the in-process test host can find it.</summary>
public partial class Program;
