using System.Globalization;
using System.Net.Http.Headers;
using XeroSync.Tests;
using XeroSync.Tests.Cloud;
using XeroSync.XeroSimulator;

namespace XeroSync.Bench;

/// <summary>
/// Figure 4: one Worker process given 80 pushes at once, each a real page of work: a run of Invoices for 80
/// organisations of exactly 1000 invoices each is planned by the Dispatcher in the Firestore ledger and published; the
/// pushes are captured (acknowledged) and then replayed to the Worker all together, so 80 FetchRequests are in flight in
/// one process, each claiming its page, fetching 1000 records from the simulator at pageSize=1000 and writing them to
/// the fake Cloud Storage. Peak RSS is the Worker's VmHWM from /proc/PID/status.
/// </summary>
public static class WorkerMemoryFigure
{
    public const string Name = "Worker memory under push concurrency";
    public const string Target = "80 concurrent push requests of 1000-record pages: peak RSS bounded and stated (bound: <= 400 MiB)";
    public const string How = "Dispatcher plans a run of Invoices for N organisations of 1000 invoices each (Firestore emulator ledger); the push subscription points at a capture that acknowledges; the N first-page pushes are then POSTed to one `dotnet XeroSync.Worker.dll` process at once; peak RSS = its VmHWM from /proc/PID/status, sampled every 100 ms; pages and records done from the ledger";

    private const double BoundMiB = 400;
    private const int InvoicesPerTenant = 1000;

    public static async Task<FigureResult> RunAsync(GoogleEmulators emulators, bool quick, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emulators);
        emulators.Require();
        var pushes = quick ? 20 : 80;
        await using var capture = await PushCapture.StartAsync();
        await using var cloud = await CloudEnvironment.StartAsync(
            emulators,
            cancellationToken,
            o => new SimulatorOptions
            {
                Seed = 29,
                Tenants = pushes,
                Scale = InvoicesPerTenant / 6000.0,
                ChangesPerMinute = 0,
                Clock = TimeProvider.System,
            },
            externalWorker: capture.BaseUri,
            pushDeadlineSeconds: 600);
        var invoices = cloud.Truth.Tenants.Select(t => cloud.Truth.Count(t.TenantId, "Invoices")).ToList();
        if (invoices.Any(n => n != InvoicesPerTenant))
        {
            throw new InvalidOperationException($"the simulator's organisations hold {string.Join('/', invoices.Distinct())} invoices, not {InvoicesPerTenant}");
        }

        await using var worker = await WorkerProcess.StartAsync("worker", cloud, cancellationToken);
        var status = $"/proc/{worker.ProcessId}/status";
        var idle = (Machine.ReadKib(status, "VmRSS") ?? 0) / 1024.0;

        var runId = await cloud.StartRunAsync(cancellationToken, ["Invoices"]);
        await capture.WhenCapturedAsync(pushes).WaitAsync(TimeSpan.FromMinutes(3), cancellationToken);
        var batch = capture.Pushes.Take(pushes).ToList();

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = pushes }) { Timeout = TimeSpan.FromMinutes(10) };
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var maxRss = 0.0;
        var sampler = Task.Run(
            async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
                while (await timer.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false))
                {
                    maxRss = Math.Max(maxRss, (Machine.ReadKib(status, "VmRSS") ?? 0) / 1024.0);
                }
            },
            sampling.Token);
        var started = TimeProvider.System.GetTimestamp();
        var answers = await Task.WhenAll(batch.Select(push => PostAsync(http, new Uri(worker.BaseUri, "pubsub"), push, cancellationToken)));
        var wall = TimeProvider.System.GetElapsedTime(started);
        await sampling.CancelAsync();
        try
        {
            await sampler;
        }
        catch (OperationCanceledException)
        {
            // Sampling stopped.
        }

        var peak = (Machine.ReadKib(status, "VmHWM") ?? 0) / 1024.0;
        var endpoints = await cloud.Ledger.GetRunEndpointsAsync(runId, cancellationToken);
        var pagesDone = endpoints.Sum(e => e.Done);
        var records = endpoints.Sum(e => e.Records);
        var maxInFlight = cloud.Truth.Tenants.Max(t => cloud.Truth.MaxConcurrency(t.TenantId));
        var pageCalls = cloud.Truth.Requests.Count(r => r.Endpoint == "Invoices" && r.StatusCode == 200);
        var ok = answers.Count(a => a is >= 200 and < 300);
        var values = new Dictionary<string, double>
        {
            ["pushes"] = pushes,
            ["pushes_2xx"] = ok,
            ["pages_done"] = pagesDone,
            ["records_done"] = records,
            ["invoices_calls_200"] = pageCalls,
            ["wall_s"] = Math.Round(wall.TotalSeconds, 1),
            ["idle_rss_mib"] = Math.Round(idle, 1),
            ["peak_rss_mib"] = Math.Round(peak, 1),
            ["max_sampled_rss_mib"] = Math.Round(maxRss, 1),
            ["bound_mib"] = BoundMiB,
            ["throttled"] = cloud.Truth.Throttled(),
            ["max_in_flight_per_tenant"] = maxInFlight,
        };
        var statuses = string.Join(", ", answers.GroupBy(a => a).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"));
        var measured = string.Create(
            CultureInfo.InvariantCulture,
            $"{pushes} pushes at once to one Worker: answered {statuses} in {wall.TotalSeconds:F1} s; {pagesDone} pages, {records:N0} records done (ledger), {pageCalls} Invoices calls answered; peak RSS {peak:F0} MiB (VmHWM; idle {idle:F0} MiB before the run) against the stated bound {BoundMiB:F0} MiB");
        var met = peak <= BoundMiB && ok == pushes && pagesDone >= pushes && !quick;
        return new FigureResult(4, Name, Target, measured, How, quick ? (peak <= BoundMiB && ok == pushes ? null : false) : met, values);
    }

    private static async Task<int> PostAsync(HttpClient http, Uri target, CapturedPush push, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(push.Body) };
        foreach (var (name, value) in push.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Content.Headers.ContentType ??= new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }
}
