using System.Text;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using XeroSync.Pipeline;
using XeroSync.Storage;
using XeroSync.Webhooks;

namespace XeroSync.Tests.Webhooks;

/// <summary>
/// The receiver against Xero's contract (developer.xero.com/documentation/webhooks/configuring-your-server): 200 for a
/// correctly signed payload, 401 for an incorrectly signed one, the intent-to-receive body as Xero documents it, and a
/// payload example from Xero-OpenAPI xero-webhooks.yaml (credit note create).
/// </summary>
public sealed class WebhookReceiverTests : IDisposable
{
    private const string Key = "OSd0eLlVIY9ZhViEqlDUh4+6n6M+Lo+eDaEJheJ6OCCgWwIz2D3JIAU6jPMipHRbgKTLz2uJ+xiACXGDBLrgdA==";

    /// <summary>Xero's documented intent-to-receive body.</summary>
    private const string IntentToReceive = """{"events": [], "lastEventSequence": 0, "firstEventSequence": 0, "entropy": "S0m3r4Nd0mt3xt"}""";

    /// <summary>Xero-OpenAPI xero-webhooks.yaml, example creditNoteCreate.</summary>
    private const string CreditNoteCreate = """
        {"events":[{"resourceUrl":"https://api.xero.com/api.xro/2.0/CreditNotes/55d84274-a3da-4829-a7c0-0cab601b95cc","resourceId":"55d84274-a3da-4829-a7c0-0cab601b95cc","tenantId":"aef86862-2015-4b6b-88bc-d89032cecc50","tenantType":"ORGANISATION","eventCategory":"CREDITNOTE","eventType":"CREATE","eventDateUtc":"2025-12-02T00:44:09.923","data":{"Type":"ACCPAYCREDIT","Status":"DRAFT"}}],"firstEventSequence":76,"lastEventSequence":76,"entropy":"FXNGWLCCGVANWHKILRUB"}
        """;

    private readonly TempDirectory _folder = new();
    private readonly FakeLogCollector _logs = new();
    private readonly RecordingSink _sink = new();
    private readonly FolderObjectStore _objects;
    private readonly WebhookReceiver _receiver;

    public WebhookReceiverTests()
    {
        _objects = new FolderObjectStore(_folder.Path);
        var time = TimeProvider.System;
        _receiver = new WebhookReceiver(
            _sink,
            new FixedWebhookKey(Key),
            new PoisonRecorder(_objects, time, new FakeLogger<PoisonRecorder>(_logs)),
            Options.Create(new WebhookOptions { MaxBodyBytes = 64 * 1024 }),
            time,
            new FakeLogger<WebhookReceiver>(_logs));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Assert.DoesNotContain(_logs.GetSnapshot(), r => r.Message.Contains(Key, StringComparison.Ordinal) || r.Message.Contains(Key[..20], StringComparison.Ordinal));
        _folder.Dispose();
    }

    [Fact(Timeout = 10_000)]
    public async Task Intent_to_receive_is_200_when_correctly_signed_and_401_otherwise_and_queues_nothing()
    {
        Assert.Equal(200, (await ReceiveAsync(IntentToReceive, Sign(IntentToReceive))).StatusCode);
        Assert.Equal(401, (await ReceiveAsync(IntentToReceive, Sign(IntentToReceive + " "))).StatusCode);
        Assert.Equal(401, (await ReceiveAsync(IntentToReceive, null)).StatusCode);
        Assert.Empty(_sink.Accepted);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_correctly_signed_payload_is_queued_with_its_checked_changes()
    {
        var receipt = await ReceiveAsync(CreditNoteCreate, Sign(CreditNoteCreate));

        Assert.Equal(200, receipt.StatusCode);
        var notification = Assert.Single(_sink.Accepted);
        Assert.Equal((76, 76), (notification.FirstSequence, notification.LastSequence));
        var change = Assert.Single(notification.Changes);
        Assert.Equal(("aef86862-2015-4b6b-88bc-d89032cecc50", "CreditNotes", "55d84274-a3da-4829-a7c0-0cab601b95cc"), (change.TenantId, change.Endpoint, change.RecordId));
        Assert.Equal(new DateTimeOffset(2025, 12, 2, 0, 44, 9, 923, TimeSpan.Zero), change.ChangedAt);
    }

    [Fact(Timeout = 10_000)]
    public async Task Bad_missing_or_replayed_signatures_are_401_and_queue_nothing()
    {
        var other = CreditNoteCreate.Replace("FXNGWLCCGVANWHKILRUB", "ANOTHERENTROPYVALUE0", StringComparison.Ordinal);
        Assert.Equal(401, (await ReceiveAsync(CreditNoteCreate, Sign(other))).StatusCode);
        Assert.Equal(401, (await ReceiveAsync(CreditNoteCreate, null)).StatusCode);
        Assert.Equal(401, (await ReceiveAsync(CreditNoteCreate, "garbage")).StatusCode);
        Assert.Equal(401, (await ReceiveAsync(CreditNoteCreate, Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData("another key"u8, Encoding.UTF8.GetBytes(CreditNoteCreate))))).StatusCode);

        var huge = new string(' ', 10 * 1024 * 1024) + CreditNoteCreate;
        Assert.Equal(401, (await ReceiveAsync(huge, "AAAA")).StatusCode);
        Assert.Empty(_sink.Accepted);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_signed_body_that_is_not_a_usable_payload_is_200_recorded_as_poison_and_queues_no_change()
    {
        const string Malformed = """{"events":[{"resourceId":""";
        var unknownCategory = CreditNoteCreate.Replace("\"CREDITNOTE\"", "\"BANKTRANSACTION\"", StringComparison.Ordinal);
        var badTenant = CreditNoteCreate.Replace("aef86862-2015-4b6b-88bc-d89032cecc50", "../../etc/passwd", StringComparison.Ordinal);
        var badResource = CreditNoteCreate.Replace("\"resourceId\":\"55d84274-a3da-4829-a7c0-0cab601b95cc\"", "\"resourceId\":\"1' OR '1'='1\"", StringComparison.Ordinal);
        var huge = new string(' ', 100 * 1024) + CreditNoteCreate;

        foreach (var body in new[] { Malformed, unknownCategory, badTenant, badResource, huge })
        {
            Assert.Equal(200, (await ReceiveAsync(body, Sign(body))).StatusCode);
        }

        Assert.Empty(_sink.Accepted.SelectMany(n => n.Changes));
        var poison = new List<string>();
        await foreach (var name in _objects.ListAsync("poison/", Token))
        {
            poison.Add(name);
        }

        Assert.Equal(5, poison.Count);
        var reasons = _logs.GetSnapshot().Where(r => r.Id.Id == 700).Select(r => r.Message).ToList();
        Assert.Contains(reasons, r => r.Contains("malformed JSON", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("unknown category", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("tenant id is not a GUID", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("resource id is not a GUID", StringComparison.Ordinal));
        Assert.DoesNotContain(reasons, r => r.Contains("passwd", StringComparison.Ordinal) || r.Contains("'1'='1", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_payload_that_could_not_be_queued_is_500_so_xero_sends_it_again()
    {
        _sink.Fail = true;
        Assert.Equal(500, (await ReceiveAsync(CreditNoteCreate, Sign(CreditNoteCreate))).StatusCode);
    }

    private static string Sign(string body) => WebhookSignature.Compute(Key, Encoding.UTF8.GetBytes(body));

    private async Task<WebhookReceipt> ReceiveAsync(string body, string? signature)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return await _receiver.ReceiveAsync(stream, signature, Token);
    }
}
