using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.AspNetCore.Http;
using XeroSync.Contracts;
using XeroSync.Pipeline;
using XeroSync.Worker.Edge;

namespace XeroSync.Worker.Tests.Edge;

/// <summary>
/// Properties of the push and CloudEvent decoders: no input (bytes, headers, content type) makes them throw, and a
/// valid envelope built from a random valid FetchRequest, in every delivery shape, yields that request again.
/// </summary>
public sealed class DecoderPropertyTests
{
    /// <summary>Iterations per property; CsCheck prints the seed of a failing sample for replay.</summary>
    public const int Iterations = 5_000;

    /// <summary>Xero endpoint names from Xero's Accounting API documentation (not the project's catalog).</summary>
    private static readonly string[] XeroEndpoints = ["Invoices", "Contacts", "Journals", "Payments", "CreditNotes", "Accounts", "Quotes", "BankTransactions"];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/cloudevents+json", "application/cloudevents+json; charset=utf-16",
        "application/cloudevents-batch+json", "text/plain", "application/octet-stream", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/cloudevents", "application/cloudevents+xml", "", ";;;", "application/json; charset=nonsense",
    ];

    private static readonly string[] HeaderNames =
    [
        "ce-id", "ce-source", "ce-specversion", "ce-type", "ce-time", "ce-subject", "ce-dataschema", "ce-bucket", "ce-topic", "ce-traceparent",
        "x-goog-pubsub-message-id", "x-goog-pubsub-publish-time", "x-goog-pubsub-delivery-attempt", "x-goog-pubsub-subscription-name", "x-goog-ordering-key",
        "googclient_schemaencoding", "CloudPubSubDeadLetterSourceDeliveryCount", "ce-", "ce-%41", "ce-ID",
    ];

    /// <summary>Header values: printable ASCII, percent escapes, control characters, non-ASCII.</summary>
    private static readonly Gen<string> HeaderValue = Gen.OneOf<string>(
        Gen.String[Gen.Char[' ', '~'], 0, 40],
        Gen.OneOf("1.0", "0.3", "2.0", "", "%", "%0A", "%zz", "%C3%28", "2026-11-02T09:00:00Z", "not a time", "google.cloud.storage.object.v1.finalized", "google.cloud.pubsub.topic.v1.messagePublished", "-1", "99999999999999999999"),
        Gen.String[Gen.Char['\0', '\u00ff'], 0, 20]);

    private static readonly Gen<IHeaderDictionary> Headers =
        Gen.Select(Gen.OneOf(HeaderNames), HeaderValue).Array[0, 8].Select(pairs =>
        {
            IHeaderDictionary headers = new HeaderDictionary();
            foreach (var (name, value) in pairs)
            {
                headers.Append(name, value);
            }

            return headers;
        });

    /// <summary>Bodies: raw bytes, and mutations of real-looking JSON (truncated, a byte flipped).</summary>
    private static readonly Gen<byte[]> Body = Gen.OneOf<byte[]>(
        Gen.Byte.Array[0, 300],
        Gen.Select(
            Gen.OneOf(
                """{"message":{"data":"eyJ2IjoxfQ==","messageId":"1","attributes":{"a":"b"}},"subscription":"s","deliveryAttempt":"2"}""",
                """{"specversion":"1.0","id":"1","source":"s","type":"google.cloud.storage.object.v1.finalized","data":{"bucket":"b","name":"xero/a/_manifest.json","size":"5"}}""",
                """{"specversion":"1.0","id":"1","source":"s","type":"google.cloud.pubsub.topic.v1.messagePublished","data":{"message":{"data":"e30=","messageId":"m"}}}""",
                """{"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"AAEC","datacontenttype":"application/json"}""",
                """{"bucket":"b","name":"xero/invoices/tenant=t/run=r/_manifest.json","generation":"1","metageneration":1,"size":"9007199254740993"}"""),
            Gen.Int[0, 400],
            Gen.Byte,
            Gen.Bool).Select((json, position, value, truncate) =>
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var at = position % bytes.Length;
            if (truncate)
            {
                return bytes[..at];
            }

            bytes[at] = value;
            return bytes;
        }));

    /// <summary>Random FetchRequests the validator accepts (ids from their documented alphabets).</summary>
    private static readonly Gen<FetchRequest> ValidRequest =
        Gen.Select(
            Gen.Select(Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"], Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"], 0, 63]).Select((first, rest) => first + rest),
            Gen.Select(Gen.Char["abcdef0123456789"], Gen.String[Gen.Char["abcdef0123456789-"], 0, 63]).Select((first, rest) => first + rest),
            Gen.OneOf(XeroEndpoints),
            Gen.Int[1, 99_000],
            Gen.Int[0, 999],
            Gen.Long[0, long.MaxValue].Nullable(),
            Gen.Long[0, 253_402_300_799L].Select(s => DateTimeOffset.FromUnixTimeSeconds(s)).Nullable(),
            Gen.Select(Gen.Int[0, 1000], Gen.Bool))
        .Select((run, tenant, endpoint, first, span, offset, since, rest) => new FetchRequest
        {
            RunId = run,
            TenantId = tenant,
            Endpoint = endpoint,
            FirstPage = first,
            LastPage = Math.Min(first + span, FetchRequestValidator.MaxPage),
            Offset = offset,
            PageSize = rest.Item1,
            ModifiedSince = since,
            Discover = rest.Item2,
        });

    [Fact(Timeout = 120_000)]
    public void The_push_decoder_never_throws_on_arbitrary_bytes_and_headers() =>
        Gen.Select(Headers, Body, Gen.Bool).Sample(
            (headers, body, unwrapped) =>
            {
                if (unwrapped)
                {
                    headers["x-goog-pubsub-message-id"] = "m-1";
                }

                var result = PushRequestDecoder.Decode(headers, body);
                Assert.True(result.IsSuccess || !string.IsNullOrWhiteSpace(result.PoisonReason));
            },
            iter: Iterations,
            threads: 1);

    [Fact(Timeout = 120_000)]
    public void The_cloudevent_reader_and_data_parsers_never_throw_on_arbitrary_bytes_headers_and_content_types() =>
        Gen.Select(Headers, Gen.OneOf<string>(Gen.OneOf(ContentTypes), Gen.String[Gen.Char[' ', '~'], 0, 30]), Body).Sample(
            (headers, contentType, body) =>
            {
                var read = CloudEventReader.Read(headers, contentType.Length == 0 ? null : contentType, body);
                if (read.IsPoison)
                {
                    Assert.False(string.IsNullOrWhiteSpace(read.PoisonReason));
                    return;
                }

                // Whatever type it claims, every parser must answer with a result, not an exception.
                var storage = EventDataParser.ParseStorageObject(read.Value);
                var published = EventDataParser.ParseMessagePublished(read.Value);
                var push = EventDataParser.ToPushMessage(read.Value);
                Assert.True(storage.IsSuccess || storage.PoisonReason.Length > 0);
                Assert.True(published.IsSuccess || published.PoisonReason.Length > 0);
                Assert.True(push.IsSuccess || push.PoisonReason.Length > 0);
            },
            iter: Iterations,
            threads: 1);

    [Fact(Timeout = 120_000)]
    public void A_valid_fetch_request_round_trips_through_every_delivery_shape() =>
        Gen.Select(ValidRequest, Gen.Int[0, 3], Gen.Bool).Sample(
            (request, shape, urlSafe) =>
            {
                Assert.Null(FetchRequestValidator.Validate(request));
                var data = JsonSerializer.SerializeToUtf8Bytes(request, PipelineJsonContext.Default.FetchRequest);
                var base64 = Convert.ToBase64String(data);
                if (urlSafe)
                {
                    base64 = base64.Replace('+', '-').Replace('/', '_').TrimEnd('=');
                }

                var envelope = $$$"""{"message":{"data":"{{{base64}}}","messageId":"m-{{{shape}}}","publishTime":"2026-11-02T09:00:00.123456789Z","attributes":{"k":"v"}},"subscription":"projects/p/subscriptions/s","deliveryAttempt":3}""";
                var message = shape switch
                {
                    0 => PushRequestDecoder.Decode(new HeaderDictionary(), Encoding.UTF8.GetBytes(envelope)),
                    1 => PushRequestDecoder.Decode(new HeaderDictionary { ["x-goog-pubsub-message-id"] = "m-1", ["k"] = "v" }, data),
                    2 => FromEvent(new HeaderDictionary { ["ce-id"] = "e-2", ["ce-source"] = "//pubsub.googleapis.com/projects/p/topics/t", ["ce-specversion"] = "1.0", ["ce-type"] = EventTypes.PubSubMessagePublished }, "application/json", $$"""{"message":{"data":"{{base64}}","messageId":"m-2"},"subscription":"s"}"""),
                    _ => FromEvent(new HeaderDictionary(), "application/cloudevents+json", "{\"specversion\":\"1.0\",\"id\":\"e-3\",\"source\":\"//pubsub.googleapis.com/projects/p/topics/t\",\"type\":\"" + EventTypes.PubSubMessagePublished + "\",\"datacontenttype\":\"application/json\",\"data\":{\"message\":{\"data\":\"" + base64 + "\"}}}"),
                };

                Assert.True(message.IsSuccess, message.PoisonReason);
                Assert.Equal(data, message.Value.Data.ToArray());
                var decoded = JsonSerializer.Deserialize(message.Value.Data.Span, PipelineJsonContext.Default.FetchRequest);
                Assert.Equal(request, decoded);
            },
            iter: Iterations,
            threads: 1);

    private static DecodeResult<PubSubPushMessage> FromEvent(IHeaderDictionary headers, string contentType, string body)
    {
        var read = CloudEventReader.Read(headers, contentType, Encoding.UTF8.GetBytes(body));
        Assert.True(read.IsSuccess, read.PoisonReason);
        return EventDataParser.ToPushMessage(read.Value);
    }
}
