using System.Globalization;
using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>Applies one realistic edit to a record and stamps UpdatedDateUTC with the change time.</summary>
internal static class RecordMutator
{
    /// <summary>
    /// A change that leaves UpdatedDateUTC alone, as Xero's own caveat lists: an invoice's DueDate or SentToContact,
    /// a contact's IsSupplier/IsCustomer or balances; elsewhere the same text field an edit would change.
    /// </summary>
    public static void MutateSilently(string endpoint, JsonObject record, Random random, DateTimeOffset time)
    {
        switch (endpoint)
        {
            case "Invoices":
                record["SentToContact"] = !(record["SentToContact"]?.GetValue<bool>() ?? false);
                if (record["DueDate"] is JsonValue due && XeroDates.ParseMs(due.GetValue<string>()) is var dueMs and not 0)
                {
                    var moved = DateTimeOffset.FromUnixTimeMilliseconds(dueMs).AddDays(random.Next(1, 15));
                    record["DueDate"] = XeroDates.Record(moved);
                    if (record.ContainsKey("DueDateString"))
                    {
                        record["DueDateString"] = XeroDates.DateString(moved);
                    }
                }

                break;
            case "Contacts":
                record["IsSupplier"] = !(record["IsSupplier"]?.GetValue<bool>() ?? false);
                break;
            case "LinkedTransactions":
                record["TargetLineItemID"] = random.NextGuid().ToString();
                break;
            default:
                if (TextField(record) is { } field)
                {
                    record[field] = RecordShapes.Phrase(random) + " (silently edited " + time.ToString("HH:mm", CultureInfo.InvariantCulture) + ")";
                }

                break;
        }
    }

    /// <summary>An edit of any record but an invoice (whose edits are <see cref="InvoiceEvents.Advance"/>).</summary>
    public static void Mutate(string endpoint, JsonObject record, Random random, DateTimeOffset time)
    {
        switch (endpoint)
        {
            case "Contacts":
                if (random.Next(8) == 0)
                {
                    record["ContactStatus"] = record["ContactStatus"]?.GetValue<string>() == "ARCHIVED" ? "ACTIVE" : "ARCHIVED";
                }
                else
                {
                    record["EmailAddress"] = $"changed.{random.Next(100000)}@example.com";
                }

                break;
            case "LinkedTransactions":
                record["Status"] = record["Status"]?.GetValue<string>() == "BILLED" ? "ONDRAFT" : "BILLED";
                break;
            default:
                if (TextField(record) is { } field)
                {
                    record[field] = RecordShapes.Phrase(random) + " (edited " + time.ToString("HH:mm", CultureInfo.InvariantCulture) + ")";
                }

                break;
        }

        Stamp(record, time);
    }

    /// <summary>Sets UpdatedDateUTC (and UpdatedDateUTCString) to <paramref name="time"/> where the record has them.</summary>
    public static void Stamp(JsonObject record, DateTimeOffset time)
    {
        if (record.ContainsKey("UpdatedDateUTC"))
        {
            record["UpdatedDateUTC"] = XeroDates.Record(time);
        }

        if (record.ContainsKey("UpdatedDateUTCString"))
        {
            record["UpdatedDateUTCString"] = XeroDates.UtcString(time);
        }
    }

    /// <summary>The free-text field an edit changes: one the record already has, never one Xero does not send for it.</summary>
    private static string? TextField(JsonObject record) =>
        new[] { "Reference", "Narration", "Description", "Name" }.FirstOrDefault(record.ContainsKey);
}
