using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>One journal line before numbering: base-currency net and tax (debit positive), and the source line's tracking.</summary>
internal sealed record JournalLineDraft(AccountReference Account, decimal Net, decimal Tax, string? TaxType, string Description, JsonArray? Tracking)
{
    public JournalLineDraft Reversed() => this with { Net = -Net, Tax = -Tax, Tracking = Tracking?.DeepClone().AsArray() };
}
