using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>The deterministic changes of one simulated minute: a pure function of (seed, tenant, minute, prior state).</summary>
internal sealed class ChangeTicker
{
    private static readonly (string Endpoint, bool Create, int Weight)[] Actions =
    [
        ("Invoices", false, 20), ("Invoices", true, 12), ("Contacts", false, 8), ("Contacts", true, 4),
        ("Payments", true, 10), ("Payments", false, 2), ("BankTransactions", true, 8), ("BankTransactions", false, 4),
        ("CreditNotes", true, 3), ("CreditNotes", false, 2), ("Items", false, 3), ("Items", true, 1), ("Accounts", false, 1),
        ("ManualJournals", true, 1), ("ManualJournals", false, 1), ("PurchaseOrders", true, 2), ("PurchaseOrders", false, 2),
        ("Quotes", true, 2), ("Quotes", false, 2), ("Overpayments", false, 1), ("Prepayments", false, 1),
        ("BankTransfers", true, 1), ("LinkedTransactions", false, 1), ("Receipts", false, 1),
    ];

    private static readonly int TotalWeight = Actions.Sum(a => a.Weight);

    private readonly Func<string, RecordCollection> _collection;
    private readonly OrganisationReferences _references;
    private readonly SimulatedTenant _tenant;
    private readonly DateTimeOffset _createdAt;
    private readonly int _seed;
    private readonly int _changesPerMinute;

    public ChangeTicker(Func<string, RecordCollection> collection, OrganisationReferences references, SimulatedTenant tenant, DateTimeOffset createdAt, int seed, int changesPerMinute)
    {
        _collection = collection;
        _references = references;
        _tenant = tenant;
        _createdAt = createdAt;
        _seed = seed;
        _changesPerMinute = changesPerMinute;
    }

    public void Apply(long minute)
    {
        var time = _createdAt.AddMinutes(minute);
        var random = new Random(Determinism.Mix(_seed, _tenant.Index, minute, 0x71C));
        for (var change = 0; change < _changesPerMinute; change++)
        {
            var (endpoint, create) = Pick(random);
            var collection = _collection(endpoint);
            if (create || collection.Records.Count == 0)
            {
                Create(endpoint, random, time);
            }
            else
            {
                Edit(collection, collection.Records[random.Next(collection.Records.Count)], random, time);
            }
        }
    }

    /// <summary>
    /// Creates one record of <paramref name="endpoint"/> timestamped <paramref name="time"/>, with the payments and
    /// journals it makes. A payment is made on an open invoice (null when none is open).
    /// </summary>
    public StoredRecord? Create(string endpoint, Random random, DateTimeOffset time)
    {
        var collection = _collection(endpoint);
        var context = new RecordContext(random, collection.NextSequence, time, _references);
        StoredRecord? created = null;
        if (endpoint == "Payments")
        {
            var invoices = _collection("Invoices");
            var open = OpenInvoice(invoices, random);
            if (open is not null)
            {
                var invoice = RecordJson.Parse(open.Json);
                var payment = InvoiceEvents.Pay(context, invoice);
                invoices.Replace(open, invoice);
                created = AddPending(random).Find(payment["PaymentID"]!.GetValue<string>());
            }
        }
        else
        {
            created = collection.Add(RecordFactory.Create(endpoint, context, _tenant, _createdAt));
        }

        AddPending(random);
        return created;
    }

    /// <summary>One edit of <paramref name="stored"/> at <paramref name="time"/>: an invoice moves on in its life (and posts), others change a field.</summary>
    public void Edit(RecordCollection collection, StoredRecord stored, Random random, DateTimeOffset time)
    {
        var record = RecordJson.Parse(stored.Json);
        if (collection.Definition.Name == "Invoices")
        {
            InvoiceEvents.Advance(new RecordContext(random, stored.Order + 1, time, _references), record);
        }
        else
        {
            RecordMutator.Mutate(collection.Definition.Name, record, random, time);
        }

        collection.Replace(stored, record);
        AddPending(random);
    }

    /// <summary>Adds the payments and journals made so far to their collections; returns the Payments collection.</summary>
    private RecordCollection AddPending(Random random)
    {
        var payments = _collection("Payments");
        Ledger.AddPending(payments, _references, random);
        Ledger.AddPending(_collection("Journals"), _references, random);
        return payments;
    }

    private static StoredRecord? OpenInvoice(RecordCollection invoices, Random random)
    {
        var records = invoices.Records;
        if (records.Count == 0)
        {
            return null;
        }

        var start = random.Next(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var candidate = records[(start + i) % records.Count];
            if (candidate.Status == "AUTHORISED" && InvoiceEvents.IsOpen(RecordJson.Parse(candidate.Json)))
            {
                return candidate;
            }
        }

        return null;
    }

    private static (string Endpoint, bool Create) Pick(Random random)
    {
        var roll = random.Next(TotalWeight);
        foreach (var (endpoint, create, weight) in Actions)
        {
            if (roll < weight)
            {
                return (endpoint, create);
            }

            roll -= weight;
        }

        return (Actions[0].Endpoint, Actions[0].Create);
    }
}
