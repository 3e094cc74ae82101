using System.Diagnostics;
using XeroSync.Google.Firestore;

namespace XeroSync.Tests.Google;

public sealed class FirestoreEmulatorTests(GoogleEmulators emulators, ITestOutputHelper output)
{
    private static Dictionary<string, FirestoreValue> Fields(params (string Key, FirestoreValue Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => f.Value);

    private static string Collection() => "c" + Guid.NewGuid().ToString("N");

    [Fact(Timeout = 60_000)]
    public async Task Create_if_absent_fails_the_second_time_and_stale_update_time_fails_the_precondition()
    {
        emulators.Require();
        var ct = TestContext.Current.CancellationToken;
        var client = GoogleTestClients.Firestore(emulators.FirestoreHost!);
        var name = $"{Collection()}/lease";

        var first = await client.CommitAsync([FirestoreWrite.Create(name, Fields(("holder", FirestoreValue.FromString("a"))))], cancellationToken: ct);
        Assert.NotNull(first.CommitTime);
        await Assert.ThrowsAsync<FirestoreAlreadyExistsException>(() =>
            client.CommitAsync([FirestoreWrite.Create(name, Fields(("holder", FirestoreValue.FromString("b"))))], cancellationToken: ct));

        var snapshot = (await client.BatchGetAsync([name], cancellationToken: ct))[0];
        Assert.True(snapshot.Exists);
        Assert.Equal("a", snapshot.Document!.Field("holder")!.StringValue);
        var updated = await client.CommitAsync([FirestoreWrite.Set(name, Fields(("holder", FirestoreValue.FromString("c"))), FirestorePrecondition.UpdatedAt(snapshot.Document.UpdateTime!))], cancellationToken: ct);
        Assert.NotNull(updated.WriteResults![0].UpdateTime);
        await Assert.ThrowsAsync<FirestorePreconditionFailedException>(() =>
            client.CommitAsync([FirestoreWrite.Set(name, Fields(("holder", FirestoreValue.FromString("d"))), FirestorePrecondition.UpdatedAt(snapshot.Document.UpdateTime!))], cancellationToken: ct));
        Assert.False((await client.BatchGetAsync([$"{Collection()}/missing"], cancellationToken: ct))[0].Exists);
    }

    [Fact(Timeout = 60_000)]
    public async Task Increment_and_maximum_transforms_return_their_results()
    {
        emulators.Require();
        var ct = TestContext.Current.CancellationToken;
        var client = GoogleTestClients.Firestore(emulators.FirestoreHost!);
        var name = $"{Collection()}/counter";
        var results = new List<long>();
        for (var i = 1; i <= 3; i++)
        {
            var commit = await client.CommitAsync(
                [FirestoreWrite.Transform(name, [FirestoreFieldTransform.IncrementBy("n", 5), FirestoreFieldTransform.MaximumOf("hi", FirestoreValue.FromInteger(i * 10)), FirestoreFieldTransform.RequestTime("at")])],
                cancellationToken: ct);
            var transforms = commit.WriteResults![0].TransformResults!;
            results.Add(transforms[0].AsInteger()!.Value);
            Assert.Equal(i * 10, transforms[1].AsInteger());
            Assert.NotNull(transforms[2].AsTimestamp());
        }

        Assert.Equal([5L, 10L, 15L], results);
        var document = (await client.BatchGetAsync([name], cancellationToken: ct))[0].Document!;
        Assert.Equal("15", document.Field("n")!.IntegerValue);
    }

    [Fact(Timeout = 60_000)]
    public async Task Transaction_reads_and_writes()
    {
        emulators.Require();
        var ct = TestContext.Current.CancellationToken;
        var client = GoogleTestClients.Firestore(emulators.FirestoreHost!);
        var name = $"{Collection()}/bucket";
        await client.CommitAsync([FirestoreWrite.Set(name, Fields(("tokens", FirestoreValue.FromInteger(60)), ("tenant", FirestoreValue.FromString("t"))))], cancellationToken: ct);

        var left = await client.RunTransactionAsync(async (tx, token) =>
        {
            var snapshot = await tx.GetSnapshotAsync(name, token);
            var tokens = snapshot.Document!.Field("tokens")!.AsInteger()!.Value - 1;
            tx.Update(name, Fields(("tokens", FirestoreValue.FromInteger(tokens))));
            return tokens;
        }, cancellationToken: ct);

        Assert.Equal(59, left);
        var document = (await client.BatchGetAsync([name], cancellationToken: ct))[0].Document!;
        Assert.Equal(59, document.Field("tokens")!.AsInteger());
        Assert.Equal("t", document.Field("tenant")!.StringValue);
    }

    [Fact(Timeout = 60_000)]
    public async Task Two_concurrent_transactions_on_one_document_both_succeed_through_the_aborted_retry_loop()
    {
        emulators.Require();
        var ct = TestContext.Current.CancellationToken;
        var client = GoogleTestClients.Firestore(emulators.FirestoreHost!);
        var name = $"{Collection()}/hot";
        await client.CommitAsync([FirestoreWrite.Set(name, Fields(("n", FirestoreValue.FromInteger(0))))], cancellationToken: ct);
        var attempts = 0;
        var bothRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;

        async Task<long> IncrementAsync()
        {
            return await client.RunTransactionAsync(async (tx, token) =>
            {
                Interlocked.Increment(ref attempts);
                var n = (await tx.GetSnapshotAsync(name, token)).Document!.Field("n")!.AsInteger()!.Value;
                if (Interlocked.Increment(ref reads) == 2)
                {
                    bothRead.TrySetResult();
                }

                // Both first attempts hold a read lock before either commits: a real conflict.
                await bothRead.Task.WaitAsync(TimeSpan.FromSeconds(5), token).ContinueWith(_ => { }, TaskScheduler.Default);
                tx.Update(name, Fields(("n", FirestoreValue.FromInteger(n + 1))));
                return n + 1;
            }, cancellationToken: ct);
        }

        var results = await Task.WhenAll(IncrementAsync(), IncrementAsync());

        Assert.Equal([1L, 2L], results.Order());
        Assert.True(attempts >= 3, $"expected at least one retry, saw {attempts} attempts");
        Assert.Equal(2, (await client.BatchGetAsync([name], cancellationToken: ct))[0].Document!.Field("n")!.AsInteger());
        output.WriteLine($"two contended transactions: {attempts} attempts in total");
    }

    [Fact(Timeout = 60_000)]
    public async Task RunQuery_filters_orders_and_limits()
    {
        emulators.Require();
        var ct = TestContext.Current.CancellationToken;
        var client = GoogleTestClients.Firestore(emulators.FirestoreHost!);
        var collection = Collection();
        var writes = Enumerable.Range(1, 6).Select(i => FirestoreWrite.Set(
            $"{collection}/d{i}",
            Fields(("tenant", FirestoreValue.FromString(i % 2 == 0 ? "a" : "b")), ("n", FirestoreValue.FromInteger(i))))).ToList();
        await client.CommitAsync(writes, cancellationToken: ct);

        var query = new FirestoreQuery(collection)
        {
            Filters = [new FirestoreFieldFilter("tenant", FirestoreFilterOperator.Equal, FirestoreValue.FromString("a"))],
            OrderBy = [new FirestoreOrder("n", Descending: true)],
            Limit = 2,
        };
        var documents = await client.RunQueryAsync(query, cancellationToken: ct);
        Assert.Equal([6L, 4L], documents.Select(d => d.Field("n")!.AsInteger()!.Value));

        var composite = query with
        {
            Filters = [.. query.Filters, new FirestoreFieldFilter("n", FirestoreFilterOperator.LessThan, FirestoreValue.FromInteger(6))],
            Limit = null,
        };
        Assert.Equal([4L, 2L], (await client.RunQueryAsync(composite, cancellationToken: ct)).Select(d => d.Field("n")!.AsInteger()!.Value));
    }

    [Fact(Timeout = 60_000)]
    public async Task Measure_increment_commits_per_second_on_one_document()
    {
        emulators.Require();
        var ct = TestContext.Current.CancellationToken;
        var client = GoogleTestClients.Firestore(emulators.FirestoreHost!);
        var name = $"{Collection()}/rate";
        await client.CommitAsync([FirestoreWrite.Transform(name, [FirestoreFieldTransform.IncrementBy("n", 1)])], cancellationToken: ct);
        var count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            await client.CommitAsync([FirestoreWrite.Transform(name, [FirestoreFieldTransform.IncrementBy("n", 1)])], cancellationToken: ct);
            count++;
        }

        var rate = count / clock.Elapsed.TotalSeconds;
        output.WriteLine($"MEASURE firestore-emulator increment-transform commits, 1 client, 1 document: {count} in {clock.Elapsed.TotalSeconds:F2} s = {rate:F0}/s");
        Assert.Equal(count + 1, (await client.BatchGetAsync([name], cancellationToken: ct))[0].Document!.Field("n")!.AsInteger());
    }

    [Fact(Timeout = 60_000)]
    public async Task Measure_create_if_absent_writes_per_second_on_distinct_documents()
    {
        emulators.Require();
        var ct = TestContext.Current.CancellationToken;
        var client = GoogleTestClients.Firestore(emulators.FirestoreHost!);
        var collection = Collection();
        var count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            await client.CommitAsync([FirestoreWrite.Create($"{collection}/d{count}", Fields(("n", FirestoreValue.FromInteger(count))))], cancellationToken: ct);
            count++;
        }

        var rate = count / clock.Elapsed.TotalSeconds;
        output.WriteLine($"MEASURE firestore-emulator create-if-absent (exists:false) writes, 1 client, distinct documents: {count} in {clock.Elapsed.TotalSeconds:F2} s = {rate:F0}/s");
        await Assert.ThrowsAsync<FirestoreAlreadyExistsException>(() =>
            client.CommitAsync([FirestoreWrite.Create($"{collection}/d0", Fields(("n", FirestoreValue.FromInteger(0))))], cancellationToken: ct));
    }
}
