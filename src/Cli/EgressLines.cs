using System.Globalization;
using Spectre.Console;
using XeroSync.Ledger;

namespace XeroSync.Cli;

/// <summary>The summary's egress lines: what the run downloaded from Xero, in total and per organisation when there are several.</summary>
public static class EgressLines
{
    public static void Write(IAnsiConsole console, RunSummary summary, bool perTenant)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(summary);
        var usage = summary.Usage;
        console.MarkupLine(Markup.Escape("Xero egress: " + Describe(usage.Sum(u => u.Calls), usage.Sum(u => u.BytesReceived), usage.Sum(u => u.BytesDecoded))));
        if (perTenant && usage.Count > 1)
        {
            foreach (var tenant in usage)
            {
                console.MarkupLine(Markup.Escape($"  {tenant.TenantId}: {Describe(tenant.Calls, tenant.BytesReceived, tenant.BytesDecoded)}"));
            }
        }
    }

    public static string Describe(long calls, long received, long decoded) => string.Create(
        CultureInfo.InvariantCulture,
        $"{received:N0} bytes received ({Human(received)} on the wire), {decoded:N0} decoded ({Human(decoded)}), in {calls:N0} calls");

    /// <summary>Bytes in binary units (KiB, MiB, GiB), one decimal.</summary>
    public static string Human(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes") : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
