namespace XeroSync.Bench;

/// <summary>Figures 2 and 4 (the cloud shape in real time, Worker memory under push concurrency): not built yet; printed so the table never hides them.</summary>
public static class CloudFigure
{
    public static FigureResult NotBuilt() => new(
        2,
        "Cloud, real time",
        "8 Worker processes behind one push subscription, x1 and x20 tenants: wall / lower bound <= 1.03, 0 throttled, <= 5 in flight per tenant, Firestore writes per Xero call <= 0.25",
        "not measured by this suite yet",
        "tests/EndToEnd.Tests/Cloud (CloudEnvironment, WorkerProcess, PushForwarder) must first move to a test-framework-free place",
        null,
        new Dictionary<string, double>());

    public static FigureResult WorkerMemoryNotBuilt() => new(
        4,
        "Worker memory under push concurrency",
        "80 concurrent push requests of 1000-record pages: peak RSS bounded and stated",
        "not measured by this suite yet",
        "needs a run planned in the Firestore ledger and a Worker process (same harness as figure 2)",
        null,
        new Dictionary<string, double>());
}
