using System.Globalization;
using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>Applies one realistic edit to a record and stamps UpdatedDateUTC with the change time.</summary>
internal static class RecordMutator
{
    public static void Mutate(string endpoint, JsonObject record, Random random, DateTimeOffset time)
    {
        switch (endpoint)
        {
            case "Invoices":
                MutateInvoice(record, random);
                break;
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
            default:
                var field = record.ContainsKey("Reference") ? "Reference" : record.ContainsKey("Narration") ? "Narration" : record.ContainsKey("Description") ? "Description" : "Name";
                record[field] = RecordShapes.Phrase(random) + " (edited " + time.ToString("HH:mm", CultureInfo.InvariantCulture) + ")";
                break;
        }

        if (record.ContainsKey("UpdatedDateUTC"))
        {
            record["UpdatedDateUTC"] = XeroDates.Record(time);
        }

        if (record.ContainsKey("UpdatedDateUTCString"))
        {
            record["UpdatedDateUTCString"] = XeroDates.UtcString(time);
        }
    }

    private static void MutateInvoice(JsonObject invoice, Random random)
    {
        var status = invoice["Status"]?.GetValue<string>();
        var total = invoice["Total"]?.GetValue<decimal>() ?? 0m;
        switch (status)
        {
            case "DRAFT":
                invoice["Status"] = "SUBMITTED";
                break;
            case "SUBMITTED":
                invoice["Status"] = "AUTHORISED";
                break;
            case "AUTHORISED" when random.Next(10) == 0:
                invoice["Status"] = "VOIDED";
                invoice["AmountDue"] = 0.00m;
                break;
            case "AUTHORISED":
                invoice["Status"] = "PAID";
                invoice["AmountPaid"] = total;
                invoice["AmountDue"] = 0.00m;
                break;
            default:
                invoice["Reference"] = RecordShapes.Phrase(random);
                break;
        }
    }
}
