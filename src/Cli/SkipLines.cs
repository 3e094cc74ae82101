using Spectre.Console;
using XeroSync.Ledger;
using XeroSync.Pipeline;

namespace XeroSync.Cli;

/// <summary>One line per endpoint a run skipped, naming the scope the token lacks (or the other reason).</summary>
public static class SkipLines
{
    public static async Task WriteAsync(IAnsiConsole console, IRunLedger ledger, RunSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(summary);
        foreach (var note in await ScopeNotes.ReadAsync(ledger, summary.Rows, cancellationToken))
        {
            console.MarkupLine(Markup.Escape(note.MissingScope is { } scope
                ? $"{note.TenantId} {note.Endpoint}: skipped, the connection does not grant {scope} ({note.Reason})"
                : $"{note.TenantId} {note.Endpoint}: skipped, {note.Reason}"));
        }
    }
}
