using Spectre.Console;
using XeroSync.Cli;
using XeroSync.Dispatcher.Routes;
using XeroSync.Ledger;

namespace XeroSync.Tests.Cli;

/// <summary>The run summary shows what re-reading moved records cost and why an endpoint could not be verified.</summary>
public sealed class RunTablesTests
{
    private static readonly RunInfo Run = new("run-1", new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), ["t1"], ["Invoices", "Quotes"], false);

    [Fact]
    public void Re_read_calls_and_a_failed_verification_are_in_the_tables_the_notes_and_the_status_response()
    {
        var invoices = Loaded("Invoices", calls: 12, reread: 6, pass: 1, VerificationOutcome.Verified, "verified: 500 distinct ids, Xero reports 500 (after 1 re-read, 6 calls)");
        var quotes = Loaded("Quotes", calls: 9, reread: 6, pass: 2, VerificationOutcome.Failed, "not verified after 2 re-reads: 301 records read in pass 2 but only 300 distinct ids: records moved while it read");
        var state = new RunState(Run, [invoices, quotes]);
        var summary = new RunSummary(state);

        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No });
        console.Profile.Width = 200;
        console.Write(RunTables.ByEndpoint(summary, "Run run-1"));
        RunTables.WriteVerificationNotes(console, summary);
        var text = output.ToString();

        Assert.Contains("Re-read calls", text, StringComparison.Ordinal);
        Assert.Contains("not verified (records moved)", text, StringComparison.Ordinal);
        Assert.Contains("t1 Quotes: " + quotes.VerificationNote, text, StringComparison.Ordinal);
        Assert.Contains("t1 Invoices: " + invoices.VerificationNote, text, StringComparison.Ordinal);
        Assert.Equal((12, RunPhase.Partial), (summary.RereadCalls, summary.Phase));

        var response = RunStatusResponse.From(state);
        Assert.Equal(("partial", 21, 12), (response.State, response.Calls, response.RereadCalls));
        Assert.Equal([("verified", 2, 6), ("failed", 3, 6)], response.Endpoints.Select(e => (e.Verification!, e.Passes, e.RereadCalls)));
    }

    private static EndpointState Loaded(string endpoint, int calls, int reread, int pass, VerificationOutcome outcome, string note) =>
        new("run-1", "t1", endpoint, LastPage: 4, Pending: 0, Done: 4, Failed: 0, Deferred: 0, NotEntitled: 0, Records: 100, Unlisted: 0,
            ManifestsClaimed: 1, ManifestsLoaded: 1, ManifestsFailed: 0, MaxNextOffset: null, WatermarkAdvanced: false,
            Calls: calls, Throttles: 0, Pass: pass, PassFirstPage: 3, VerificationRequired: true, Verification: outcome, VerificationNote: note, RereadCalls: reread);
}
