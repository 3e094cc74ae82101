using System.Text.Json;
using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>
/// One tenant's records: generated on construction, then advanced minute by minute up to the time asked for, and
/// changed on demand (edits, silent edits, inserts, deletes, archives) for tests of reads during changes.
/// </summary>
internal sealed class TenantOrganisation
{
    private static readonly TimeSpan History = TimeSpan.FromDays(365);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, RecordCollection> _collections = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _createdAt;
    private readonly ChangeTicker _ticker;
    private readonly bool _ticking;
    private readonly int _seed;
    private readonly SimulatedTenant _tenant;
    private readonly OrganisationReferences _references = new();
    private long _appliedMinutes;
    private long _changes;

    public TenantOrganisation(SimulatorOptions options, SimulatedTenant tenant, DateTimeOffset createdAt)
    {
        _createdAt = createdAt;
        _seed = options.Seed;
        _tenant = tenant;
        foreach (var definition in EndpointCatalog.All)
        {
            _collections[definition.Name] = new RecordCollection(definition);
        }

        var references = _references;
        var end = createdAt.AddHours(-1).AddSeconds(-1);
        var start = end - History;
        for (var e = 0; e < RecordFactory.GenerationOrder.Count; e++)
        {
            var endpoint = RecordFactory.GenerationOrder[e];
            var definition = EndpointCatalog.Get(endpoint);
            var random = new Random(Determinism.Mix(options.Seed, tenant.Index, e, 0xBA5E));
            var collection = _collections[endpoint];
            if (definition.Derived)
            {
                Ledger.AddPending(collection, references, random);
                continue;
            }

            var count = definition.Name == "Organisation" ? 1 : Math.Max(definition.MinimumCount, (int)Math.Round(definition.BaseCount * options.Scale));
            for (var i = 0; i < count; i++)
            {
                var offsetMs = (long)(History.TotalMilliseconds * (i + random.NextDouble()) / count);
                var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(start.ToUnixTimeMilliseconds() + offsetMs);
                var context = new RecordContext(random, i + 1, timestamp, references);
                var record = RecordFactory.Create(endpoint, context, tenant, createdAt);
                collection.Add(record);
            }

            if (endpoint == "Accounts")
            {
                // After the generated accounts, from its own random stream: the other accounts stay as they were.
                var system = new Random(Determinism.Mix(options.Seed, tenant.Index, e, 0x3E7A));
                collection.Add(ReferenceDataFactory.RetainedEarnings(new RecordContext(system, count + 1, start, references)));
            }
        }

        _ticker = new ChangeTicker(name => _collections[name], references, tenant, createdAt, options.Seed, options.ChangesPerMinute);
        _ticking = options.ChangesPerMinute > 0;
    }

    /// <summary>Runs <paramref name="read"/> on the endpoint's records as they are at <paramref name="now"/>.</summary>
    public T Read<T>(DateTimeOffset now, string endpoint, Func<RecordCollection, T> read)
    {
        lock (_lock)
        {
            AdvanceTo(now);
            return read(_collections[endpoint]);
        }
    }

    /// <summary>
    /// Applies one change at <paramref name="now"/>. The target is <paramref name="recordId"/>, else the record at
    /// <paramref name="position"/> in <paramref name="order"/>, else one picked from the seed (not used for inserts).
    /// </summary>
    public AppliedChange Apply(DateTimeOffset now, string endpoint, ChangeKind kind, string? recordId, int? position, ListOrder order, bool scheduled)
    {
        lock (_lock)
        {
            AdvanceTo(now);
            var collection = _collections[endpoint];
            var definition = collection.Definition;
            var random = new Random(Determinism.Mix(_seed, _tenant.Index, ++_changes, 0xC4A2));
            if (kind == ChangeKind.Insert)
            {
                if (definition.Name is "Organisation")
                {
                    throw new ArgumentException("An organisation has exactly one Organisation record.", nameof(endpoint));
                }

                var created = _ticker.Create(definition.Name, random, now)
                    ?? throw new ArgumentException($"{definition.Name}: no record can be made now (a payment needs an approved invoice with something due).", nameof(endpoint));
                return new AppliedChange(now, _tenant.TenantId, definition.Name, kind, created.Id, false, scheduled);
            }

            var target = Target(collection, recordId, position, order, random);
            if (kind == ChangeKind.Edit)
            {
                _ticker.Edit(collection, target, random, now);
                return new AppliedChange(now, _tenant.TenantId, definition.Name, kind, target.Id, false, scheduled);
            }

            var record = RecordJson.Parse(target.Json);
            var hard = false;
            switch (kind)
            {
                case ChangeKind.SilentEdit:
                    RecordMutator.MutateSilently(definition.Name, record, random, now);
                    break;
                case ChangeKind.Archive when definition.Name is "Contacts":
                    record["ContactStatus"] = "ARCHIVED";
                    RecordMutator.Stamp(record, now);
                    break;
                // Xero's Invoice Status codes (DRAFT, SUBMITTED, DELETED, AUTHORISED, PAID, VOIDED) have no ARCHIVED: invoices are not archived.
                case ChangeKind.Archive when definition.Name is "TrackingCategories" or "Accounts":
                    record["Status"] = "ARCHIVED";
                    RecordMutator.Stamp(record, now);
                    break;
                case ChangeKind.Delete when definition.Delete == DeleteMode.Hard:
                    hard = true;
                    break;
                case ChangeKind.Delete when definition.Delete == DeleteMode.SoftSilent:
                    record["Status"] = "DELETED";
                    break;
                case ChangeKind.Delete when definition.Delete == DeleteMode.SoftStatus:
                    record["Status"] = "DELETED";
                    RecordMutator.Stamp(record, now);
                    break;
                default:
                    throw new ArgumentException($"Xero offers no {kind} for {definition.Name}.", nameof(kind));
            }

            if (hard)
            {
                collection.Remove(target);
            }
            else
            {
                collection.Replace(target, record);
            }

            return new AppliedChange(now, _tenant.TenantId, definition.Name, kind, target.Id, hard, scheduled);
        }
    }

    /// <summary>GET /Reports/TrialBalance at <paramref name="date"/>, from the ledger as it is at <paramref name="now"/> (without the <paramref name="unbooked"/> journal numbers).</summary>
    public byte[] TrialBalance(DateTimeOffset now, DateOnly date, IReadOnlyCollection<int> unbooked, string providerName)
    {
        lock (_lock)
        {
            AdvanceTo(now);
            return TrialBalanceReport.Build(_collections["Journals"], _collections["Accounts"], _collections["Organisation"], _references, date, unbooked, now, providerName);
        }
    }

    /// <summary>GET /Reports/BalanceSheet at <paramref name="date"/>, from the ledger as it is at <paramref name="now"/> (without the <paramref name="unbooked"/> journal numbers).</summary>
    public byte[] BalanceSheet(DateTimeOffset now, DateOnly date, IReadOnlyCollection<int> unbooked, string providerName)
    {
        lock (_lock)
        {
            AdvanceTo(now);
            return BalanceSheetReport.Build(_collections["Journals"], _collections["Organisation"], _references, date, unbooked, now, providerName);
        }
    }

    /// <summary>A contact group as GET /ContactGroups/{id} serves it: its members (ContactID and Name) filled in.</summary>
    public byte[] ContactGroupDetail(StoredRecord group)
    {
        lock (_lock)
        {
            var node = RecordJson.Parse(group.Json);
            var members = new JsonArray();
            foreach (var contact in _collections["Contacts"].Records)
            {
                if (Determinism.Mix(_seed, _tenant.Index, group.Order, contact.Order, 0xC0617) % 4 != 0)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(contact.Json);
                members.Add(new JsonObject
                {
                    ["ContactID"] = contact.Id,
                    ["Name"] = document.RootElement.TryGetProperty("Name", out var name) ? name.GetString() : null,
                    ["Addresses"] = new JsonArray(),
                    ["Phones"] = new JsonArray(),
                    ["ContactGroups"] = new JsonArray(),
                    ["ContactPersons"] = new JsonArray(),
                    ["HasValidationErrors"] = false,
                });
            }

            node["Contacts"] = members;
            return RecordJson.Serialize(node);
        }
    }

    private static StoredRecord Target(RecordCollection collection, string? recordId, int? position, ListOrder order, Random random)
    {
        if (recordId is not null)
        {
            return collection.Find(recordId) ?? throw new ArgumentException($"{collection.Definition.Name} has no record '{recordId}'.", nameof(recordId));
        }

        var ordered = collection.InDefaultOrder(order).ToList();
        if (ordered.Count == 0)
        {
            throw new ArgumentException($"{collection.Definition.Name} has no records to change.", nameof(collection));
        }

        if (position is { } p)
        {
            return p >= 0 && p < ordered.Count ? ordered[p] : throw new ArgumentOutOfRangeException(nameof(position), p, $"{collection.Definition.Name} has {ordered.Count} records.");
        }

        return ordered[random.Next(ordered.Count)];
    }

    private void AdvanceTo(DateTimeOffset now)
    {
        if (!_ticking || now < _createdAt)
        {
            return;
        }

        var target = (long)Math.Floor((now - _createdAt).TotalMinutes);
        while (_appliedMinutes < target)
        {
            _appliedMinutes++;
            _ticker.Apply(_appliedMinutes);
        }
    }
}
