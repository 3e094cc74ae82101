using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>Nested shapes shared by several record types, as Xero returns them.</summary>
internal static class RecordShapes
{
    private static readonly string[] Words = ["Consulting", "Widgets", "Support", "Licence", "Freight", "Hosting", "Training", "Repairs", "Supplies", "Design"];

    public static JsonObject ContactSummary(ContactReference contact) => new()
    {
        ["ContactID"] = contact.ContactId,
        ["Name"] = contact.Name,
        ["Addresses"] = new JsonArray(),
        ["Phones"] = new JsonArray(),
        ["ContactGroups"] = new JsonArray(),
        ["ContactPersons"] = new JsonArray(),
        ["HasValidationErrors"] = false,
    };

    public static string Phrase(Random random) => Words[random.Next(Words.Length)] + " " + random.Next(100, 999);

    /// <summary>
    /// Line items with 15% tax on each; returns the array and the sub total and tax. Unit amounts have four
    /// decimal places where Xero serves them with unitdp=4 (<paramref name="fourDecimalUnits"/>), two elsewhere.
    /// </summary>
    public static JsonArray LineItems(RecordContext context, int count, out decimal subTotal, out decimal totalTax, bool fourDecimalUnits = true)
    {
        var items = new JsonArray();
        subTotal = 0;
        totalTax = 0;
        for (var i = 0; i < count; i++)
        {
            var quantity = (decimal)context.Random.Next(1, 10);
            var unit = fourDecimalUnits ? context.UnitAmount(5, 500) : context.Money(5, 500);
            var line = Math.Round(quantity * unit, 2, MidpointRounding.AwayFromZero);
            var tax = Math.Round(line * 0.15m, 2);
            subTotal += line;
            totalTax += tax;
            var account = context.Pick(context.References.Accounts);
            items.Add(new JsonObject
            {
                ["Description"] = Phrase(context.Random),
                ["UnitAmount"] = unit,
                ["TaxType"] = "OUTPUT2",
                ["TaxAmount"] = tax,
                ["LineAmount"] = line,
                ["AccountCode"] = account.Code,
                ["Tracking"] = new JsonArray(),
                ["Quantity"] = quantity,
                ["LineItemID"] = context.NewId(),
            });
        }

        return items;
    }

    public static JsonObject AccountSummary(AccountReference account) => new()
    {
        ["AccountID"] = account.AccountId,
        ["Code"] = account.Code,
        ["Name"] = account.Name,
    };

    public static JsonObject BatchPaymentSummary(RecordContext context, string batchPaymentId, AccountReference account, decimal amount) => new()
    {
        ["Account"] = new JsonObject { ["AccountID"] = account.AccountId },
        ["BatchPaymentID"] = batchPaymentId,
        ["Date"] = XeroDates.Record(context.Date),
        ["Type"] = "RECBATCH",
        ["Status"] = "AUTHORISED",
        ["TotalAmount"] = amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
        ["UpdatedDateUTC"] = XeroDates.Record(context.Timestamp),
        ["IsReconciled"] = "false",
    };

    public static JsonArray TrackingLines(RecordContext context)
    {
        var array = new JsonArray();
        if (context.References.Tracking.Count > 0 && context.Random.Next(3) == 0)
        {
            var category = context.Pick(context.References.Tracking);
            var option = context.Pick(category.Options);
            array.Add(new JsonObject
            {
                ["TrackingCategoryID"] = category.CategoryId,
                ["TrackingOptionID"] = option.OptionId,
                ["Name"] = category.CategoryName,
                ["Option"] = option.Name,
            });
        }

        return array;
    }
}
