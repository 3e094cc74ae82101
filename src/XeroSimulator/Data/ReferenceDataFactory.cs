using System.Globalization;
using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>Settings-like records: accounts, contacts, items, tax rates, tracking, users, organisation.</summary>
internal static class ReferenceDataFactory
{
    private static readonly string[] FirstNames = ["Katherine", "Liam", "Ava", "Noah", "Mia", "Oliver", "Isla", "Jack", "Ruby", "Leo", "Zoe", "Finn"];
    private static readonly string[] LastNames = ["Warren", "Parker", "Gallagher", "Ngata", "Smith", "Chen", "Patel", "Brown", "Wilson", "Taylor", "Walker", "King"];
    private static readonly string[] AccountTypes = ["REVENUE", "EXPENSE", "CURRENT", "FIXED", "EQUITY", "OVERHEADS", "DIRECTCOSTS", "LIABILITY"];
    private static readonly (string Code, string Name, decimal Rate)[] CurrencyCodes =
    [
        ("NZD", "New Zealand Dollar", 1m), ("AUD", "Australian Dollar", 0.92m), ("USD", "United States Dollar", 0.61m), ("GBP", "British Pound", 0.48m),
        ("EUR", "Euro", 0.56m), ("CAD", "Canadian Dollar", 0.83m), ("JPY", "Japanese Yen", 88.5m), ("SGD", "Singapore Dollar", 0.80m),
    ];

    /// <summary>
    /// Accounts 1-4 are bank accounts, 5-7 the control accounts every ledger has (receivable, payable, sales tax),
    /// the rest cycle through the other types; only the rest may be archived.
    /// </summary>
    public static JsonObject Account(RecordContext c)
    {
        var isBank = c.Sequence <= 4;
        var system = c.Sequence switch { 5 => "DEBTORS", 6 => "CREDITORS", 7 => "GST", _ => null };
        var type = isBank ? "BANK" : c.Sequence switch { 5 => "CURRENT", 6 or 7 => "CURRLIAB", _ => AccountTypes[c.Sequence % AccountTypes.Length] };
        var code = isBank ? (90 + c.Sequence).ToString("000", CultureInfo.InvariantCulture)
            : system is not null ? (1100 + (c.Sequence * 100)).ToString(CultureInfo.InvariantCulture)
            : (100 + (c.Sequence * 10)).ToString(CultureInfo.InvariantCulture);
        var name = isBank ? $"Business Account {c.Sequence}"
            : system switch { "DEBTORS" => "Accounts Receivable", "CREDITORS" => "Accounts Payable", "GST" => "GST", _ => $"{RecordShapes.Phrase(c.Random)} {type.ToLowerInvariant()}" };
        var archived = c.Random.Next(30) == 0 && c.Sequence > 20;
        var account = new JsonObject
        {
            ["AccountID"] = c.Id,
            ["Code"] = code,
            ["Name"] = name,
            ["Status"] = archived ? "ARCHIVED" : "ACTIVE",
            ["Type"] = type,
            ["TaxType"] = isBank || system is not null ? "NONE" : "OUTPUT2",
            ["Description"] = isBank ? "" : "Generated account " + code,
            ["Class"] = ClassOf(type),
            ["EnablePaymentsToAccount"] = false,
            ["ShowInExpenseClaims"] = false,
            ["ReportingCode"] = "ASS",
            ["HasAttachments"] = false,
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["AddToWatchlist"] = false,
        };
        if (system is not null)
        {
            account["SystemAccount"] = system;
        }

        if (isBank)
        {
            account["BankAccountNumber"] = "02090876543210" + c.Sequence.ToString("00", CultureInfo.InvariantCulture);
            account["BankAccountType"] = "BANK";
            account["CurrencyCode"] = c.References.BaseCurrency;
        }

        var reference = new AccountReference(c.Id, code, name, type);
        var references = c.References;
        references.Accounts.Add(reference);
        references.AccountsByCode[code] = reference;
        switch (system)
        {
            case "DEBTORS":
                references.Receivable = reference;
                break;
            case "CREDITORS":
                references.Payable = reference;
                break;
            case "GST":
                references.SalesTax = reference;
                break;
            default:
                if (isBank)
                {
                    references.BankAccounts.Add(reference);
                }
                else if (!archived)
                {
                    (ClassOf(type) switch { "REVENUE" => references.RevenueAccounts, "EXPENSE" => references.ExpenseAccounts, _ => references.AdjustmentAccounts }).Add(reference);
                }

                break;
        }

        return account;
    }

    /// <summary>
    /// The Retained Earnings system account every Xero organisation has (code 960, as in Xero's demo company): no
    /// document posts to it; Xero's Trial Balance shows the profit of past financial years on it.
    /// </summary>
    public static JsonObject RetainedEarnings(RecordContext c)
    {
        const string code = "960";
        const string name = "Retained Earnings";
        var account = new JsonObject
        {
            ["AccountID"] = c.Id,
            ["Code"] = code,
            ["Name"] = name,
            ["Status"] = "ACTIVE",
            ["Type"] = "EQUITY",
            ["TaxType"] = "NONE",
            ["Description"] = "Profit of past financial years",
            ["Class"] = "EQUITY",
            ["SystemAccount"] = "RETAINEDEARNINGS",
            ["EnablePaymentsToAccount"] = false,
            ["ShowInExpenseClaims"] = false,
            ["ReportingCode"] = "EQU",
            ["HasAttachments"] = false,
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["AddToWatchlist"] = false,
        };
        var reference = new AccountReference(c.Id, code, name, "EQUITY");
        c.References.Accounts.Add(reference);
        c.References.AccountsByCode[code] = reference;
        c.References.RetainedEarnings = reference;
        return account;
    }

    private static string ClassOf(string type) => type switch
    {
        "REVENUE" or "SALES" => "REVENUE",
        "EQUITY" => "EQUITY",
        "LIABILITY" or "CURRLIAB" or "TERMLIAB" => "LIABILITY",
        "EXPENSE" or "OVERHEADS" or "DIRECTCOSTS" => "EXPENSE",
        _ => "ASSET",
    };

    public static JsonObject Contact(RecordContext c)
    {
        var first = FirstNames[c.Random.Next(FirstNames.Length)];
        var last = LastNames[c.Random.Next(LastNames.Length)];
        var name = $"{first} {last}-{c.Sequence:00000}";
        var foreign = c.References.ForeignCurrencies;
        var currency = foreign.Count > 0 && c.Random.Next(6) == 0 ? c.Pick(foreign).Code : c.References.BaseCurrency;
        c.References.Contacts.Add(new ContactReference(c.Id, name, currency));
        return new JsonObject
        {
            ["ContactID"] = c.Id,
            ["ContactNumber"] = "C" + c.Sequence.ToString("00000", CultureInfo.InvariantCulture),
            ["ContactStatus"] = c.Random.Next(20) == 0 ? "ARCHIVED" : "ACTIVE",
            ["Name"] = name,
            ["FirstName"] = first,
            ["LastName"] = last,
            ["CompanyNumber"] = "NZBN" + c.Random.Next(100000, 999999).ToString(CultureInfo.InvariantCulture),
            ["EmailAddress"] = $"{first}.{last}{c.Sequence}@example.com".ToLowerInvariant(),
            ["BankAccountDetails"] = "",
            ["TaxNumber"] = "",
            ["Addresses"] = new JsonArray(
                new JsonObject { ["AddressType"] = "STREET", ["City"] = "", ["Region"] = "", ["PostalCode"] = "", ["Country"] = "" },
                new JsonObject
                {
                    ["AddressType"] = "POBOX",
                    ["AddressLine1"] = $"PO Box {c.Random.Next(1, 9999)}",
                    ["AddressLine2"] = "",
                    ["AddressLine3"] = "",
                    ["AddressLine4"] = "",
                    ["City"] = "Wellington",
                    ["Region"] = "",
                    ["PostalCode"] = c.Random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture),
                    ["Country"] = "New Zealand",
                }),
            ["Phones"] = new JsonArray(
                new JsonObject { ["PhoneType"] = "DEFAULT", ["PhoneNumber"] = c.Random.Next(1000000, 9999999).ToString(CultureInfo.InvariantCulture), ["PhoneAreaCode"] = "04", ["PhoneCountryCode"] = "64" },
                new JsonObject { ["PhoneType"] = "MOBILE", ["PhoneNumber"] = "", ["PhoneAreaCode"] = "", ["PhoneCountryCode"] = "" }),
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["ContactGroups"] = new JsonArray(),
            ["IsSupplier"] = c.Random.Next(2) == 0,
            ["IsCustomer"] = c.Random.Next(4) != 0,
            ["SalesDefaultLineAmountType"] = "EXCLUSIVE",
            ["PurchasesDefaultLineAmountType"] = "EXCLUSIVE",
            ["Balances"] = new JsonObject
            {
                ["AccountsReceivable"] = new JsonObject { ["Outstanding"] = c.Money(0, 2000), ["Overdue"] = c.Money(0, 500) },
                ["AccountsPayable"] = new JsonObject { ["Outstanding"] = c.Money(0, 2000), ["Overdue"] = c.Money(0, 500) },
            },
            ["ContactPersons"] = new JsonArray(),
            ["DefaultCurrency"] = currency,
            ["PaymentTerms"] = new JsonObject
            {
                ["Bills"] = new JsonObject { ["Day"] = 20, ["Type"] = "OFFOLLOWINGMONTH" },
                ["Sales"] = new JsonObject { ["Day"] = 30, ["Type"] = "DAYSAFTERBILLDATE" },
            },
            ["HasAttachments"] = false,
            ["HasValidationErrors"] = false,
        };
    }

    public static JsonObject ContactGroup(RecordContext c) => new()
    {
        ["Name"] = "Group " + RecordShapes.Phrase(c.Random),
        ["Status"] = "ACTIVE",
        ["ContactGroupID"] = c.Id,
        ["Contacts"] = new JsonArray(),
        ["HasValidationErrors"] = false,
    };

    public static JsonObject Currency(RecordContext c)
    {
        var (code, name, rate) = CurrencyCodes[(c.Sequence - 1) % CurrencyCodes.Length];
        if (c.Sequence > CurrencyCodes.Length)
        {
            code += c.Sequence.ToString(CultureInfo.InvariantCulture);
        }
        else if (code != c.References.BaseCurrency)
        {
            c.References.ForeignCurrencies.Add(new CurrencyReference(code, rate));
        }

        return new JsonObject { ["Code"] = code, ["Description"] = name };
    }

    public static JsonObject TaxRate(RecordContext c)
    {
        var rate = (c.Sequence % 3) switch { 0 => 0m, 1 => 15m, _ => 9m };
        return new JsonObject
        {
            ["Name"] = $"{rate}% Tax {c.Sequence}",
            ["TaxType"] = c.Sequence switch { 1 => "INPUT2", 2 => "OUTPUT2", 3 => "NONE", _ => "TAX" + c.Sequence.ToString("000", CultureInfo.InvariantCulture) },
            ["ReportTaxType"] = c.Sequence % 2 == 0 ? "OUTPUT" : "INPUT",
            ["CanApplyToAssets"] = true,
            ["CanApplyToEquity"] = true,
            ["CanApplyToExpenses"] = true,
            ["CanApplyToLiabilities"] = true,
            ["CanApplyToRevenue"] = c.Sequence % 2 == 0,
            ["DisplayTaxRate"] = rate,
            ["EffectiveRate"] = rate,
            ["Status"] = "ACTIVE",
            ["TaxComponents"] = new JsonArray(new JsonObject { ["Name"] = "GST", ["Rate"] = rate, ["IsCompound"] = false, ["IsNonRecoverable"] = false }),
        };
    }

    public static JsonObject TrackingCategory(RecordContext c)
    {
        var name = c.Sequence == 1 ? "Region" : "Category " + c.Sequence.ToString(CultureInfo.InvariantCulture);
        var options = new List<(string, string)>();
        var array = new JsonArray();
        for (var i = 1; i <= 3; i++)
        {
            var optionId = c.NewId();
            var optionName = $"{name} option {i}";
            options.Add((optionId, optionName));
            array.Add(new JsonObject { ["TrackingOptionID"] = optionId, ["Name"] = optionName, ["Status"] = "ACTIVE", ["HasValidationErrors"] = false });
        }

        c.References.Tracking.Add(new TrackingReference(c.Id, name, options, Active: c.Sequence != 3));
        return new JsonObject
        {
            ["Name"] = name,
            ["Status"] = c.Sequence == 3 ? "ARCHIVED" : "ACTIVE",
            ["TrackingCategoryID"] = c.Id,
            ["Options"] = array,
        };
    }

    public static JsonObject BrandingTheme(RecordContext c) => new()
    {
        ["BrandingThemeID"] = c.Id,
        ["Name"] = c.Sequence == 1 ? "Standard" : "Theme " + c.Sequence.ToString(CultureInfo.InvariantCulture),
        ["LogoUrl"] = "",
        ["Type"] = "INVOICE",
        ["SortOrder"] = c.Sequence - 1,
        ["CreatedDateUTC"] = XeroDates.Record(c.Timestamp),
    };

    /// <summary>A budget with its lines (GET /Budgets/{id}); the list call serves BudgetLines empty.</summary>
    public static JsonObject Budget(RecordContext c) => new()
    {
        ["BudgetID"] = c.Id,
        ["Status"] = "ACTIVE",
        ["Description"] = "Budget " + c.Sequence.ToString(CultureInfo.InvariantCulture),
        ["Type"] = c.Sequence == 1 ? "OVERALL" : "TRACKING",
        ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
        ["BudgetLines"] = BudgetLines(c),
        ["Tracking"] = new JsonArray(),
    };

    private static JsonArray BudgetLines(RecordContext c)
    {
        // Its own generator (from the budget's id), so adding lines left every other record's random sequence as it was.
        var random = new Random(Determinism.Mix(BitConverter.ToInt64(Guid.Parse(c.Id).ToByteArray(), 0), 0xB0D6));
        var lines = new JsonArray();
        var accounts = c.References.Accounts;
        var first = random.Next(accounts.Count);
        var count = Math.Min(accounts.Count, random.Next(2, 5));
        var month = new DateTimeOffset(c.Date.Year, c.Date.Month, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var account = accounts[(first + i) % accounts.Count];
            var balances = new JsonArray();
            for (var period = 0; period < 12; period++)
            {
                balances.Add(new JsonObject
                {
                    ["Period"] = month.AddMonths(period).ToString("yyyy-MM", CultureInfo.InvariantCulture),
                    ["Amount"] = Math.Round(random.Next(10000, 500000) / 100m, 2),
                    ["Notes"] = period == 0 ? "Opening month" : "",
                });
            }

            lines.Add(new JsonObject { ["AccountID"] = account.AccountId, ["AccountCode"] = account.Code, ["BudgetBalances"] = balances });
        }

        return lines;
    }

    public static JsonObject Item(RecordContext c)
    {
        var price = c.UnitAmount(5, 5000);
        var account = c.Pick(c.References.RevenueAccounts);
        var code = "ITEM-" + c.Sequence.ToString("0000", CultureInfo.InvariantCulture);
        var description = RecordShapes.Phrase(c.Random);
        c.References.Items.Add(new ItemReference(code, description));
        return new JsonObject
        {
            ["ItemID"] = c.Id,
            ["Code"] = code,
            ["Description"] = description,
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["PurchaseDetails"] = new JsonObject { ["UnitPrice"] = Math.Round(price * 0.6m, 4), ["AccountCode"] = account.Code, ["TaxType"] = "INPUT2" },
            ["SalesDetails"] = new JsonObject { ["UnitPrice"] = price, ["AccountCode"] = account.Code, ["TaxType"] = "OUTPUT2" },
            ["Name"] = "Item " + c.Sequence.ToString(CultureInfo.InvariantCulture),
            ["IsTrackedAsInventory"] = false,
            ["IsSold"] = true,
            ["IsPurchased"] = c.Random.Next(2) == 0,
        };
    }

    public static JsonObject User(RecordContext c)
    {
        var first = FirstNames[c.Random.Next(FirstNames.Length)];
        var last = LastNames[c.Random.Next(LastNames.Length)];
        c.References.UserIds.Add(c.Id);
        return new JsonObject
        {
            ["UserID"] = c.Id,
            ["EmailAddress"] = $"{first}.{last}.{c.Sequence}@example.com".ToLowerInvariant(),
            ["FirstName"] = first,
            ["LastName"] = last,
            ["UpdatedDateUTC"] = XeroDates.Record(c.Timestamp),
            ["IsSubscriber"] = c.Sequence == 1,
            // Xero's roles (Xero-OpenAPI User.OrganisationRole): its example shows the subscriber as FINANCIALADVISER; there is no ADMIN.
            ["OrganisationRole"] = c.Sequence == 1 ? "FINANCIALADVISER" : "STANDARD",
        };
    }

    public static JsonObject Organisation(RecordContext c, string name, DateTimeOffset createdAt) => new()
    {
        ["APIKey"] = c.Id.Replace("-", "", StringComparison.Ordinal)[..30].ToUpperInvariant(),
        ["Name"] = name,
        ["LegalName"] = name + " Limited",
        ["PaysTax"] = true,
        ["Version"] = "NZ",
        ["OrganisationType"] = "COMPANY",
        ["BaseCurrency"] = c.References.BaseCurrency,
        ["CountryCode"] = "NZ",
        ["IsDemoCompany"] = true,
        ["OrganisationStatus"] = "ACTIVE",
        ["TaxNumber"] = "071-138-054",
        ["FinancialYearEndDay"] = 31,
        ["FinancialYearEndMonth"] = 3,
        ["SalesTaxBasis"] = "PAYMENTS",
        ["SalesTaxPeriod"] = "TWOMONTHS",
        ["DefaultSalesTax"] = "Tax Exclusive",
        ["DefaultPurchasesTax"] = "Tax Exclusive",
        ["PeriodLockDate"] = XeroDates.Record(XeroDates.Day(createdAt.AddYears(-2))),
        ["EndOfYearLockDate"] = XeroDates.Record(XeroDates.Day(createdAt.AddYears(-2))),
        ["CreatedDateUTC"] = XeroDates.Envelope(createdAt.AddYears(-3)),
        ["OrganisationEntityType"] = "COMPANY",
        ["Timezone"] = "NEWZEALANDSTANDARDTIME",
        ["ShortCode"] = "!" + c.Id[..5],
        ["OrganisationID"] = c.Id,
        ["Edition"] = "BUSINESS",
        ["Class"] = "PREMIUM",
        ["Addresses"] = new JsonArray(),
        ["Phones"] = new JsonArray(),
        ["ExternalLinks"] = new JsonArray(),
        ["PaymentTerms"] = new JsonObject(),
    };
}
