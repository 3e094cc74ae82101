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
    /// Lines go to <paramref name="accounts"/> (sales lines to revenue accounts unless given), carry their
    /// AccountID, often an ItemCode and tracking, and with <paramref name="discounts"/> sometimes a DiscountRate
    /// (LineAmount = Quantity x UnitAmount x (100 - DiscountRate) / 100, to the cent).
    /// </summary>
    public static JsonArray LineItems(RecordContext context, int count, out decimal subTotal, out decimal totalTax, bool fourDecimalUnits = true, IReadOnlyList<AccountReference>? accounts = null, bool discounts = false)
    {
        var references = context.References;
        var sales = accounts is null || ReferenceEquals(accounts, references.RevenueAccounts);
        accounts ??= references.RevenueAccounts;
        var items = new JsonArray();
        subTotal = 0;
        totalTax = 0;
        for (var i = 0; i < count; i++)
        {
            var quantity = (decimal)context.Random.Next(1, 10);
            var unit = fourDecimalUnits ? context.UnitAmount(5, 500) : context.Money(5, 500);
            var discount = discounts && context.Random.Next(6) == 0 ? (decimal)(5 * context.Random.Next(1, 4)) : 0m;
            var line = Math.Round(quantity * unit * (100m - discount) / 100m, 2, MidpointRounding.AwayFromZero);
            var tax = Math.Round(line * 0.15m, 2, MidpointRounding.AwayFromZero);
            subTotal += line;
            totalTax += tax;
            var account = context.Pick(accounts);
            var item = new JsonObject();
            if (references.Items.Count > 0 && context.Random.Next(2) == 0)
            {
                var product = context.Pick(references.Items);
                item["ItemCode"] = product.Code;
                item["Description"] = product.Description;
            }
            else
            {
                item["Description"] = Phrase(context.Random);
            }

            item["UnitAmount"] = unit;
            item["TaxType"] = sales ? "OUTPUT2" : "INPUT2";
            item["TaxAmount"] = tax;
            item["LineAmount"] = line;
            item["AccountCode"] = account.Code;
            item["AccountID"] = account.AccountId;
            item["Tracking"] = LineTracking(context);
            item["Quantity"] = quantity;
            if (discount != 0m)
            {
                item["DiscountRate"] = discount;
            }

            item["LineItemID"] = context.NewId();
            items.Add(item);
        }

        return items;
    }

    /// <summary>A line's tracking: most lines carry an option of the first active category, some of the second too.</summary>
    public static JsonArray LineTracking(RecordContext context)
    {
        var array = new JsonArray();
        var categories = context.References.Tracking.Where(t => t.Active).ToList();
        for (var i = 0; i < categories.Count && i < 2; i++)
        {
            if (context.Random.Next(10) >= (i == 0 ? 8 : 4))
            {
                continue;
            }

            var category = categories[i];
            var option = context.Pick(category.Options);
            array.Add(new JsonObject
            {
                ["Name"] = category.CategoryName,
                ["Option"] = option.Name,
                ["TrackingCategoryID"] = category.CategoryId,
                ["TrackingOptionID"] = option.OptionId,
            });
        }

        return array;
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
