using System.Text;
using System.Text.RegularExpressions;

namespace XeroSync;

/// <summary>
/// Validation for identifiers that arrive from outside (messages, HTTP, Xero) before they reach an
/// object name, a query or a log line.
/// </summary>
public static partial class Identifiers
{
    /// <summary>Run ids: letters, digits, '-' and '_', 1–64 characters, starting with a letter or digit.</summary>
    public static bool IsValidRunId(string? value) => value is not null && RunIdPattern().IsMatch(value);

    /// <summary>Tenant ids are Xero GUIDs; accept letters, digits and '-', 1–64 characters.</summary>
    public static bool IsValidTenantId(string? value) => value is not null && TenantIdPattern().IsMatch(value);

    public static string RequireRunId(string? value) =>
        IsValidRunId(value) ? value! : throw new InvalidIdentifierException("run id", value);

    public static string RequireTenantId(string? value) =>
        IsValidTenantId(value) ? value! : throw new InvalidIdentifierException("tenant id", value);

    /// <summary>
    /// A short, printable rendering of an untrusted value for error messages: control characters
    /// replaced, at most 64 characters.
    /// </summary>
    public static string Printable(string? value) => Sanitize(value, 64);

    /// <summary>
    /// <see cref="Printable(string?)"/> with a longer limit, for a message that embeds untrusted text (a decoder's
    /// reason quoting a header): control characters replaced, at most <paramref name="maxLength"/> characters.
    /// </summary>
    public static string Sanitize(string? value, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        if (value is null)
        {
            return "(null)";
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxLength) + 3);
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, maxLength)))
        {
            builder.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        }

        if (value.Length > maxLength)
        {
            builder.Append("...");
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RunIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();
}
