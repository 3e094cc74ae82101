using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace XeroSync.Google.Firestore;

/// <summary>
/// Firestore REST v1 client on <c>projects/{p}/databases/(default)/documents</c>: batchGet, transactions, commit,
/// rollback, runQuery, and <see cref="RunTransactionAsync{T}"/> with its own ABORTED retry loop.
/// Document names may be full names or paths relative to the documents root (<c>collection/id</c>).
/// </summary>
public sealed partial class FirestoreClient
{
    private readonly HttpClient _http;
    private readonly GoogleClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<FirestoreClient> _logger;
    private readonly string _root;

    public FirestoreClient(HttpClient http, GoogleClientOptions options, TimeProvider timeProvider, ILogger<FirestoreClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _root = $"projects/{options.ProjectId}/databases/(default)/documents";
    }

    /// <summary>The documents root: <c>projects/{p}/databases/(default)/documents</c>.</summary>
    public string DocumentsRoot => _root;

    /// <summary>The full document name of <paramref name="path"/> (returned unchanged when already full).</summary>
    public string DocumentName(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return path.StartsWith("projects/", StringComparison.Ordinal) ? path : $"{_root}/{path.TrimStart('/')}";
    }

    /// <summary>Reads documents (optionally inside a transaction); one snapshot per name, in request order.</summary>
    public async Task<IReadOnlyList<FirestoreDocumentSnapshot>> BatchGetAsync(IReadOnlyList<string> names, string? transaction = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        var full = names.Select(DocumentName).ToArray();
        var content = GoogleHttp.JsonContent(new BatchGetRequestDto(full, transaction), FirestoreJsonContext.Default.BatchGetRequestDto);
        var items = await SendAsync(HttpMethod.Post, $"v1/{_root}:batchGet", content, FirestoreJsonContext.Default.ListBatchGetResponseItemDto, cancellationToken);
        var byName = new Dictionary<string, FirestoreDocumentSnapshot>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item.Found is { Name: not null } found)
            {
                byName[found.Name] = new FirestoreDocumentSnapshot(found.Name, found, item.ReadTime);
            }
            else if (item.Missing is not null)
            {
                byName[item.Missing] = new FirestoreDocumentSnapshot(item.Missing, null, item.ReadTime);
            }
        }

        return [.. full.Select(n => byName.TryGetValue(n, out var s) ? s : new FirestoreDocumentSnapshot(n, null, null))];
    }

    /// <summary>Begins a transaction (read-write, or read-only); returns its id. Pass the aborted id as <paramref name="retryTransaction"/> when retrying.</summary>
    public async Task<string> BeginTransactionAsync(bool readWrite = true, string? retryTransaction = null, CancellationToken cancellationToken = default)
    {
        var options = readWrite
            ? new TransactionOptionsDto(new ReadWriteOptionsDto(retryTransaction), null)
            : new TransactionOptionsDto(null, new ReadOnlyOptionsDto(null));
        var content = GoogleHttp.JsonContent(new BeginTransactionRequestDto(options), FirestoreJsonContext.Default.BeginTransactionRequestDto);
        var response = await SendAsync(HttpMethod.Post, $"v1/{_root}:beginTransaction", content, FirestoreJsonContext.Default.BeginTransactionResponseDto, cancellationToken);
        return response.Transaction;
    }

    /// <summary>Commits writes atomically and in order (inside <paramref name="transaction"/> when given).</summary>
    /// <exception cref="FirestoreAlreadyExistsException">An exists:false precondition failed.</exception>
    /// <exception cref="FirestorePreconditionFailedException">An exists:true / updateTime precondition failed.</exception>
    /// <exception cref="FirestoreAbortedException">The transaction was aborted.</exception>
    public async Task<FirestoreCommitResult> CommitAsync(IReadOnlyList<FirestoreWrite> writes, string? transaction = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var normalized = writes.Select(Normalize).ToArray();
        var content = GoogleHttp.JsonContent(new CommitRequestDto(normalized, transaction), FirestoreJsonContext.Default.CommitRequestDto);
        return await SendAsync(HttpMethod.Post, $"v1/{_root}:commit", content, FirestoreJsonContext.Default.FirestoreCommitResult, cancellationToken);
    }

    /// <summary>Rolls a transaction back, releasing its locks.</summary>
    public async Task RollbackAsync(string transaction, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(transaction);
        var content = GoogleHttp.JsonContent(new RollbackRequestDto(transaction), FirestoreJsonContext.Default.RollbackRequestDto);
        using var response = await SendRawAsync(HttpMethod.Post, $"v1/{_root}:rollback", content, cancellationToken);
    }

    /// <summary>Runs a typed query; returns the matching documents in result order.</summary>
    public Task<IReadOnlyList<FirestoreDocument>> RunQueryAsync(FirestoreQuery query, string? transaction = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parent = query.ParentDocument is null ? _root : DocumentName(query.ParentDocument);
        return RunQueryCoreAsync(parent, w => WriteStructuredQuery(w, query), transaction, cancellationToken);
    }

    /// <summary>Runs a raw <c>structuredQuery</c> (REST JSON) under <paramref name="parentDocument"/> (null = root).</summary>
    public Task<IReadOnlyList<FirestoreDocument>> RunQueryAsync(JsonElement structuredQuery, string? parentDocument = null, string? transaction = null, CancellationToken cancellationToken = default)
    {
        var parent = parentDocument is null ? _root : DocumentName(parentDocument);
        return RunQueryCoreAsync(parent, structuredQuery.WriteTo, transaction, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="body"/> in a read-write transaction and commits the writes it buffered. Retries the whole
    /// transaction on ABORTED (contention, lock timeout) and on a FAILED_PRECONDITION at commit, up to
    /// <see cref="FirestoreTransactionOptions.MaxAttempts"/>, with exponential backoff and jitter; rolls back when the
    /// body or commit fails. <see cref="FirestoreAlreadyExistsException"/> and the body's own exceptions are not retried.
    /// </summary>
    public async Task<T> RunTransactionAsync<T>(Func<FirestoreTransaction, CancellationToken, Task<T>> body, FirestoreTransactionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        options ??= FirestoreTransactionOptions.Default;
        string? previous = null;
        for (var attempt = 1; ; attempt++)
        {
            var id = await BeginTransactionAsync(readWrite: true, retryTransaction: previous, cancellationToken);
            var transaction = new FirestoreTransaction(this, id);
            var finished = false;
            try
            {
                var result = await body(transaction, cancellationToken);
                await CommitAsync(transaction.Writes, id, cancellationToken);
                finished = true;
                return result;
            }
            catch (Exception e) when (attempt < options.MaxAttempts && e is FirestoreAbortedException or FirestorePreconditionFailedException)
            {
                finished = true;
                await TryRollbackAsync(id);
                var delay = Backoff(attempt, options);
                LogTransactionRetry(attempt, delay.TotalMilliseconds, e);
                previous = e is FirestoreAbortedException ? id : null;
                await Task.Delay(delay, _timeProvider, cancellationToken);
            }
            finally
            {
                if (!finished)
                {
                    await TryRollbackAsync(id);
                }
            }
        }
    }

    /// <summary>
    /// Reads one document (no transaction, so no lock held while others wait), lets <paramref name="decide"/> compute its
    /// new fields from the snapshot, and writes them only if nobody wrote the document since it was read (its update time,
    /// or its absence); when somebody did, reads and decides again after a jittered backoff, up to
    /// <see cref="FirestoreTransactionOptions.MaxAttempts"/>. <paramref name="decide"/> may therefore run more than once.
    /// </summary>
    public async Task<T> CompareAndSetAsync<T>(string name, Func<FirestoreDocumentSnapshot, (IReadOnlyDictionary<string, FirestoreValue> Fields, T Result)> decide, FirestoreTransactionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(decide);
        options ??= FirestoreTransactionOptions.Default;
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = (await BatchGetAsync([name], cancellationToken: cancellationToken))[0];
            var (fields, result) = decide(snapshot);
            var precondition = snapshot.Document is { UpdateTime: { } updateTime } ? FirestorePrecondition.UpdatedAt(updateTime) : FirestorePrecondition.MustNotExist;
            try
            {
                await CommitAsync([FirestoreWrite.Set(name, fields, precondition)], cancellationToken: cancellationToken);
                return result;
            }
            catch (Exception e) when (attempt < options.MaxAttempts && e is FirestorePreconditionFailedException or FirestoreAlreadyExistsException or FirestoreAbortedException)
            {
                var delay = Backoff(attempt, options);
                LogTransactionRetry(attempt, delay.TotalMilliseconds, e);
                await Task.Delay(delay, _timeProvider, cancellationToken);
            }
        }
    }

    /// <summary>Jittered exponential backoff: half the capped exponential delay plus a random share of the other half.</summary>
    internal static TimeSpan Backoff(int attempt, FirestoreTransactionOptions options)
    {
        var exponential = options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(exponential, options.MaxBackoff.TotalMilliseconds);
        var half = capped / 2;
        var jitter = half <= 1 ? 0 : RandomNumberGenerator.GetInt32((int)Math.Min(half, int.MaxValue));
        return TimeSpan.FromMilliseconds(half + jitter);
    }

    private static string OperatorName(FirestoreFilterOperator op) => op switch
    {
        FirestoreFilterOperator.LessThan => "LESS_THAN",
        FirestoreFilterOperator.LessThanOrEqual => "LESS_THAN_OR_EQUAL",
        FirestoreFilterOperator.GreaterThan => "GREATER_THAN",
        FirestoreFilterOperator.GreaterThanOrEqual => "GREATER_THAN_OR_EQUAL",
        FirestoreFilterOperator.Equal => "EQUAL",
        FirestoreFilterOperator.NotEqual => "NOT_EQUAL",
        FirestoreFilterOperator.ArrayContains => "ARRAY_CONTAINS",
        FirestoreFilterOperator.In => "IN",
        FirestoreFilterOperator.ArrayContainsAny => "ARRAY_CONTAINS_ANY",
        FirestoreFilterOperator.NotIn => "NOT_IN",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown operator."),
    };

    private static void WriteFieldFilter(Utf8JsonWriter writer, FirestoreFieldFilter filter)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("fieldFilter");
        writer.WriteStartObject("field");
        writer.WriteString("fieldPath", filter.FieldPath);
        writer.WriteEndObject();
        writer.WriteString("op", OperatorName(filter.Operator));
        writer.WritePropertyName("value");
        JsonSerializer.Serialize(writer, filter.Value, FirestoreJsonContext.Default.FirestoreValue);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteStructuredQuery(Utf8JsonWriter writer, FirestoreQuery query)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("from");
        writer.WriteStartObject();
        writer.WriteString("collectionId", query.Collection);
        writer.WriteEndObject();
        writer.WriteEndArray();
        if (query.Filters.Count == 1)
        {
            writer.WritePropertyName("where");
            WriteFieldFilter(writer, query.Filters[0]);
        }
        else if (query.Filters.Count > 1)
        {
            writer.WriteStartObject("where");
            writer.WriteStartObject("compositeFilter");
            writer.WriteString("op", "AND");
            writer.WriteStartArray("filters");
            foreach (var filter in query.Filters)
            {
                WriteFieldFilter(writer, filter);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (query.OrderBy.Count > 0)
        {
            writer.WriteStartArray("orderBy");
            foreach (var order in query.OrderBy)
            {
                writer.WriteStartObject();
                writer.WriteStartObject("field");
                writer.WriteString("fieldPath", order.FieldPath);
                writer.WriteEndObject();
                writer.WriteString("direction", order.Descending ? "DESCENDING" : "ASCENDING");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (query.Limit is { } limit)
        {
            writer.WriteNumber("limit", limit);
        }

        writer.WriteEndObject();
    }

    private static Exception Translate(GoogleApiException e) => (e.StatusCode, e.Status) switch
    {
        (HttpStatusCode.Conflict, "ALREADY_EXISTS") => new FirestoreAlreadyExistsException(e.Message, e),
        (HttpStatusCode.Conflict, "ABORTED") => new FirestoreAbortedException(e.Message, e),
        (_, "ABORTED") => new FirestoreAbortedException(e.Message, e),
        (HttpStatusCode.BadRequest, "FAILED_PRECONDITION") => new FirestorePreconditionFailedException(e.Message, e),
        _ => e,
    };

    private async Task<IReadOnlyList<FirestoreDocument>> RunQueryCoreAsync(string parent, Action<Utf8JsonWriter> writeQuery, string? transaction, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("structuredQuery");
            writeQuery(writer);
            if (transaction is not null)
            {
                writer.WriteString("transaction", transaction);
            }

            writer.WriteEndObject();
        }

        using var content = GoogleHttp.RawJsonContent(buffer.ToArray());
        var items = await SendAsync(HttpMethod.Post, $"v1/{parent}:runQuery", content, FirestoreJsonContext.Default.ListRunQueryResponseItemDto, cancellationToken);
        return [.. items.Where(i => i.Document is not null).Select(i => i.Document!)];
    }

    private FirestoreWrite Normalize(FirestoreWrite write)
    {
        var result = write;
        if (write.Update is { Name: not null } update)
        {
            result = result with { Update = update with { Name = DocumentName(update.Name) } };
        }

        if (write.Delete is not null)
        {
            result = result with { Delete = DocumentName(write.Delete) };
        }

        return result;
    }

    private async Task TryRollbackAsync(string transaction)
    {
        try
        {
            await RollbackAsync(transaction, CancellationToken.None);
        }
        catch (Exception e) when (e is GoogleApiException or HttpRequestException or FirestoreAbortedException or FirestorePreconditionFailedException or TaskCanceledException)
        {
            LogRollbackFailed(e);
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string relative, HttpContent content, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await GoogleHttp.SendAsync(_http, method, new Uri(_options.BaseUri, relative), content, type, cancellationToken);
        }
        catch (GoogleApiException e)
        {
            throw Translate(e);
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string relative, HttpContent content, CancellationToken cancellationToken)
    {
        try
        {
            return await GoogleHttp.SendAsync(_http, method, new Uri(_options.BaseUri, relative), content, cancellationToken);
        }
        catch (GoogleApiException e)
        {
            throw Translate(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Firestore transaction attempt {Attempt} failed; retrying in {DelayMs} ms")]
    private partial void LogTransactionRetry(int attempt, double delayMs, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Firestore rollback failed (ignored)")]
    private partial void LogRollbackFailed(Exception exception);
}
