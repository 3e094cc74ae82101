using System.Text;
using XeroSync.Worker.Edge;

namespace XeroSync.Worker.Tests.Edge;

public sealed class CloudEventReaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 60_000)]
    [InlineData("gce-examples-binary-storage-StorageObjectData-simple.json", "sample-bucket", "folder/Test.cs", 1587627537231057L, 352L, "kF8MuJ5+CTJxvyhHS1xzRg==", "rTVTeQ==")]
    [InlineData("gce-examples-binary-storage-StorageObjectData-complex.json", "sample-bucket", "MyFile", 96883251L, 0L, "xrX0h3SqCoeoKidv+GvlBw==", "AAAAAA==")]
    [InlineData("gce-testdata-storage-StorageObjectData-simple.json", "some-bucket", "folder/Test.cs", 1587627537231057L, 352L, "kF8MuJ5+CTJxvyhHS1xzRg==", "rTVTeQ==")]
    [InlineData("gce-testdata-storage-StorageObjectData-complex.json", "sample-bucket", "MyFile", 96883251L, 0L, "xrX0h3SqCoeoKidv+GvlBw==", "AAAAAA==")]
    public async Task BinaryStorageFinalizedEventsDecode(string file, string bucket, string name, long generation, long size, string md5, string crc32c)
    {
        var request = EdgeRequests.BinaryCloudEvent(
            EdgeRequests.FixtureBytes(file),
            "application/json",
            ("specversion", "1.0"),
            ("type", EventTypes.StorageObjectFinalized),
            ("source", $"//storage.googleapis.com/projects/_/buckets/{bucket}"),
            ("id", "1587627537231057"),
            ("subject", $"objects/{name}"),
            ("time", "2020-04-23T07:38:57.230Z"),
            ("bucket", bucket));

        var result = await CloudEventReader.ReadAsync(request, Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        var cloudEvent = result.Value;
        Assert.Equal(EventTypes.StorageObjectFinalized, cloudEvent.Type);
        Assert.Equal("1587627537231057", cloudEvent.Id);
        Assert.Equal($"objects/{name}", cloudEvent.Subject);
        Assert.Equal(new Uri($"//storage.googleapis.com/projects/_/buckets/{bucket}", UriKind.RelativeOrAbsolute), cloudEvent.Source);
        Assert.Equal(bucket, cloudEvent[CloudEventReader.BucketAttribute]);
        Assert.Equal(new DateTimeOffset(2020, 4, 23, 7, 38, 57, 230, TimeSpan.Zero), cloudEvent.Time);

        var data = EventDataParser.ParseStorageObject(cloudEvent);
        Assert.True(data.IsSuccess, data.PoisonReason);
        Assert.Equal(bucket, data.Value.Bucket);
        Assert.Equal(name, data.Value.Name);
        Assert.Equal(generation, data.Value.Generation);
        Assert.Equal(1L, data.Value.Metageneration);
        Assert.Equal(size, data.Value.Size);
        Assert.Equal(md5, data.Value.Md5Hash);
        Assert.Equal(crc32c, data.Value.Crc32c);
        Assert.NotNull(data.Value.TimeCreated);
        Assert.NotNull(data.Value.Updated);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("gce-examples-binary-pubsub-MessagePublishedData-simple.json", "AQIDBA==", null, "projects/test-project/subscriptions/my-subscription", null)]
    [InlineData("gce-examples-binary-pubsub-MessagePublishedData-complex.json", "dGVzdCBtZXNzYWdlIDM=", "attr1-value", "projects/test-project/subscriptions/my-subscription", "ordering-key")]
    [InlineData("gce-testdata-pubsub-MessagePublishedData-binary.json", "AQIDBA==", null, "projects/my-project/subscriptions/my-subscription", null)]
    [InlineData("gce-testdata-pubsub-MessagePublishedData-text.json", "dGVzdCBtZXNzYWdlIDM=", "attr1-value", "projects/my-project/subscriptions/my-subscription", null)]
    [InlineData("gce-testdata-pubsub-MessagePublishedData-duplicatedFields.json", "AQIDBA==", null, "projects/my-project/subscriptions/my-subscription", null)]
    public async Task BinaryMessagePublishedEventsMapToPushMessages(string file, string dataBase64, string? attr1, string subscription, string? orderingKey)
    {
        var request = EdgeRequests.BinaryCloudEvent(
            EdgeRequests.FixtureBytes(file),
            "application/json",
            ("specversion", "1.0"),
            ("type", EventTypes.PubSubMessagePublished),
            ("source", "//pubsub.googleapis.com/projects/test-project/topics/my-topic"),
            ("id", "message-id"),
            ("time", "2021-02-05T04:06:14.109Z"),
            ("topic", "my-topic"));

        var result = await CloudEventReader.ReadAsync(request, Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal("my-topic", result.Value[CloudEventReader.TopicAttribute]);
        var message = EventDataParser.ToPushMessage(result.Value);
        Assert.True(message.IsSuccess, message.PoisonReason);
        Assert.Equal("message-id", message.Value.MessageId);
        Assert.Equal(Convert.FromBase64String(dataBase64), message.Value.Data.ToArray());
        Assert.Equal(attr1, message.Value.Attributes.GetValueOrDefault("attr1"));
        Assert.Equal(subscription, message.Value.Subscription);
        Assert.Equal(orderingKey, message.Value.OrderingKey);
        Assert.Equal(new DateTimeOffset(2021, 2, 5, 4, 6, 14, 109, TimeSpan.Zero), message.Value.PublishTime);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("ffconformance-structured-storage-cloudevent.json", "some-bucket", "folder/Test.cs", 1587627537231057L, 352L, null)]
    [InlineData("gce-examples-structured-storage-StorageObjectDataWorkflows.json", "sample-bucket", "MyFile", 96883251L, 0L, "sample-bucket")]
    public async Task StructuredStorageEventsDecode(string file, string bucket, string name, long generation, long size, string? bucketExtension)
    {
        var result = await CloudEventReader.ReadAsync(EdgeRequests.StructuredCloudEvent(EdgeRequests.FixtureBytes(file)), Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal(EventTypes.StorageObjectFinalized, result.Value.Type);
        Assert.Equal($"objects/{name}", result.Value.Subject);
        Assert.Equal(bucketExtension, result.Value[CloudEventReader.BucketAttribute]);
        var data = EventDataParser.ParseStorageObject(result.Value);
        Assert.True(data.IsSuccess, data.PoisonReason);
        Assert.Equal(bucket, data.Value.Bucket);
        Assert.Equal(name, data.Value.Name);
        Assert.Equal(generation, data.Value.Generation);
        Assert.Equal(size, data.Value.Size);
    }

    [Fact(Timeout = 60_000)]
    public async Task StructuredWorkflowsStorageEventParsesAllFields()
    {
        var result = await CloudEventReader.ReadAsync(
            EdgeRequests.StructuredCloudEvent(EdgeRequests.FixtureBytes("gce-examples-structured-storage-StorageObjectDataWorkflows.json")),
            Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal("1234567", result.Value.Id);
        var data = EventDataParser.ParseStorageObject(result.Value).Value!;
        Assert.Equal(1234, data.ComponentCount);
        Assert.Equal("AES256", data.CustomerEncryption?.EncryptionAlgorithm);
        Assert.Equal("text/plain", data.ContentType);
        Assert.Equal("gzip", data.ContentEncoding);
        Assert.True(data.EventBasedHold);
        Assert.False(data.TemporaryHold);
        Assert.Empty(data.Metadata!);
        Assert.Equal(new DateTimeOffset(2020, 5, 6, 15, 14, 15, 917, TimeSpan.Zero), data.TimeCreated);
        Assert.Equal(new DateTimeOffset(2021, 12, 25, 21, 4, 32, TimeSpan.Zero).AddTicks(2_797_440), data.RetentionExpirationTime);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("ffconformance-structured-pubsub_binary-cloudevent.json", "aaaaaa-1111-bbbb-2222-cccccccccccc", "AQIDBA==", null, "projects/sample-project/subscriptions/sample-subscription")]
    [InlineData("ffconformance-structured-pubsub_text-cloudevent.json", "aaaaaa-1111-bbbb-2222-cccccccccccc", "dGVzdCBtZXNzYWdlIDM=", "attr1-value", "projects/sample-project/subscriptions/sample-subscription")]
    [InlineData("gce-examples-structured-pubsub-MessagePublishedData.json", "message-id", "dGVzdCBtZXNzYWdlIDM=", "attr1-value", "projects/test-project/subscriptions/my-subscription")]
    public async Task StructuredMessagePublishedEventsMapToPushMessages(string file, string messageId, string dataBase64, string? attr1, string subscription)
    {
        var result = await CloudEventReader.ReadAsync(EdgeRequests.StructuredCloudEvent(EdgeRequests.FixtureBytes(file)), Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal(EventTypes.PubSubMessagePublished, result.Value.Type);
        var message = EventDataParser.ToPushMessage(result.Value);
        Assert.True(message.IsSuccess, message.PoisonReason);
        Assert.Equal(messageId, message.Value.MessageId);
        Assert.Equal(Convert.FromBase64String(dataBase64), message.Value.Data.ToArray());
        Assert.Equal(attr1, message.Value.Attributes.GetValueOrDefault("attr1"));
        Assert.Equal(subscription, message.Value.Subscription);
    }

    [Fact(Timeout = 60_000)]
    public async Task MessagePublishedWithoutMessageIdFallsBackToEventIdAndTime()
    {
        var request = EdgeRequests.BinaryCloudEvent(
            Encoding.UTF8.GetBytes("""{"subscription":"projects/p/subscriptions/s","message":{"data":"aGk="}}"""),
            "application/json",
            ("specversion", "1.0"),
            ("type", EventTypes.PubSubMessagePublished),
            ("source", "//pubsub.googleapis.com/projects/p/topics/t"),
            ("id", "555"),
            ("time", "2024-01-02T03:04:05Z"));

        var cloudEvent = (await CloudEventReader.ReadAsync(request, Ct)).Value!;
        var message = EventDataParser.ToPushMessage(cloudEvent);

        Assert.True(message.IsSuccess, message.PoisonReason);
        Assert.Equal("555", message.Value.MessageId);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), message.Value.PublishTime);
        Assert.Equal("hi", message.Value.GetDataAsString());
    }

    [Fact(Timeout = 60_000)]
    public async Task StorageEventIsNotAPushMessage()
    {
        var result = await CloudEventReader.ReadAsync(
            EdgeRequests.StructuredCloudEvent(EdgeRequests.FixtureBytes("ffconformance-structured-storage-cloudevent.json")), Ct);

        var message = EventDataParser.ToPushMessage(result.Value!);

        Assert.True(message.IsPoison);
        Assert.Contains("not google.cloud.pubsub.topic.v1.messagePublished", message.PoisonReason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task StorageDataWithoutBucketIsPoison()
    {
        var request = StorageBinary("""{"name":"x"}""");

        var cloudEvent = (await CloudEventReader.ReadAsync(request, Ct)).Value!;
        var data = EventDataParser.ParseStorageObject(cloudEvent);

        Assert.True(data.IsPoison);
    }

    [Fact(Timeout = 60_000)]
    public async Task StorageDataThatIsNotJsonObjectIsPoison()
    {
        var cloudEvent = (await CloudEventReader.ReadAsync(StorageBinary("[1]"), Ct)).Value!;

        Assert.True(EventDataParser.ParseStorageObject(cloudEvent).IsPoison);
        Assert.True(EventDataParser.ParseMessagePublished(cloudEvent).IsPoison);
    }

    [Fact(Timeout = 60_000)]
    public async Task BinaryEventWithoutBodyHasNoDataAndDataParsingIsPoison()
    {
        var cloudEvent = (await CloudEventReader.ReadAsync(StorageBinary(string.Empty), Ct)).Value!;

        Assert.Null(cloudEvent.Data);
        Assert.True(EventDataParser.ParseStorageObject(cloudEvent).IsPoison);
    }

    [Fact(Timeout = 60_000)]
    public async Task NonJsonBinaryDataIsKeptAsBytesOrText()
    {
        var request = EdgeRequests.BinaryCloudEvent(
            [1, 2, 3],
            "application/octet-stream",
            ("specversion", "1.0"),
            ("type", "x.y"),
            ("source", "//s"),
            ("id", "1"));

        var result = await CloudEventReader.ReadAsync(request, Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal(new byte[] { 1, 2, 3 }, Assert.IsType<byte[]>(result.Value.Data));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("id")]
    [InlineData("source")]
    [InlineData("type")]
    public async Task BinaryEventMissingRequiredAttributeIsPoison(string missing)
    {
        (string, string)[] attributes =
        [
            ("specversion", "1.0"),
            ("type", EventTypes.StorageObjectFinalized),
            ("source", "//storage.googleapis.com/projects/_/buckets/b"),
            ("id", "1"),
        ];
        var request = EdgeRequests.BinaryCloudEvent("{}"u8.ToArray(), "application/json", [.. attributes.Where(a => a.Item1 != missing)]);

        var result = await CloudEventReader.ReadAsync(request, Ct);

        Assert.True(result.IsPoison);
        Assert.Contains($"missing required attributes: {missing}", result.PoisonReason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task UnknownSpecVersionIsPoison()
    {
        var request = EdgeRequests.BinaryCloudEvent("{}"u8.ToArray(), "application/json", ("specversion", "0.9"), ("type", "t"), ("source", "//s"), ("id", "1"));

        var result = await CloudEventReader.ReadAsync(request, Ct);

        Assert.True(result.IsPoison);
        Assert.Contains("specversion", result.PoisonReason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task StructuredUnknownSpecVersionIsPoison()
    {
        var body = """{"specversion":"0.9","type":"t","source":"//s","id":"1"}"""u8.ToArray();

        var result = await CloudEventReader.ReadAsync(EdgeRequests.StructuredCloudEvent(body), Ct);

        Assert.True(result.IsPoison);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"specversion":"1.0","type":"t","source":"//s"}""")]
    [InlineData("""{"specversion":"1.0","type":"t","source":"//s","id":"1","time":"not a time"}""")]
    [InlineData("""{"specversion":"1.0","type":"t","source":"//s","id":"1","data_base64":"!!!"}""")]
    public async Task MalformedStructuredEventsArePoison(string body)
    {
        var result = await CloudEventReader.ReadAsync(EdgeRequests.StructuredCloudEvent(Encoding.UTF8.GetBytes(body)), Ct);

        Assert.True(result.IsPoison);
        Assert.False(string.IsNullOrWhiteSpace(result.PoisonReason));
    }

    [Fact(Timeout = 60_000)]
    public async Task PlainJsonWithoutCeHeadersIsPoison()
    {
        var result = await CloudEventReader.ReadAsync(EdgeRequests.Json("{}"), Ct);

        Assert.True(result.IsPoison);
        Assert.Contains("ce-specversion", result.PoisonReason, StringComparison.Ordinal);
        Assert.False(CloudEventReader.IsCloudEvent(EdgeRequests.Json("{}")));
    }

    [Fact(Timeout = 60_000)]
    public async Task BinaryEventWithMalformedJsonDataIsPoison()
    {
        var result = await CloudEventReader.ReadAsync(StorageBinary("{not json"), Ct);

        Assert.True(result.IsPoison);
    }

    [Fact(Timeout = 60_000)]
    public async Task BinaryEventWithMalformedTimeIsPoison()
    {
        var request = EdgeRequests.BinaryCloudEvent("{}"u8.ToArray(), "application/json", ("specversion", "1.0"), ("type", "t"), ("source", "//s"), ("id", "1"), ("time", "yesterday"));

        var result = await CloudEventReader.ReadAsync(request, Ct);

        Assert.True(result.IsPoison);
    }

    [Fact(Timeout = 60_000)]
    public async Task BatchModeIsPoison()
    {
        var request = EdgeRequests.Create("[]", ("Content-Type", "application/cloudevents-batch+json"));

        var result = await CloudEventReader.ReadAsync(request, Ct);

        Assert.True(result.IsPoison);
        Assert.Contains("batch", result.PoisonReason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task OversizedBodyIsPoison()
    {
        var request = StorageBinary("{}");
        request.ContentLength = CloudEventReader.MaxBodyBytes + 1L;

        var result = await CloudEventReader.ReadAsync(request, Ct);

        Assert.True(result.IsPoison);
        Assert.Contains("too large", result.PoisonReason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task CeHeadersArePercentDecodedAndUnknownExtensionsKept()
    {
        var request = EdgeRequests.BinaryCloudEvent(
            "{}"u8.ToArray(),
            "application/json",
            ("specversion", "1.0"),
            ("type", "t"),
            ("source", "//s"),
            ("id", "1"),
            ("subject", "objects/a%20b"),
            ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));

        var result = await CloudEventReader.ReadAsync(request, Ct);

        Assert.True(result.IsSuccess, result.PoisonReason);
        Assert.Equal("objects/a b", result.Value.Subject);
        Assert.True(CloudEventReader.IsCloudEvent(request));
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", result.Value["traceparent"]);
    }

    private static Microsoft.AspNetCore.Http.HttpRequest StorageBinary(string data) =>
        EdgeRequests.BinaryCloudEvent(
            Encoding.UTF8.GetBytes(data),
            "application/json",
            ("specversion", "1.0"),
            ("type", EventTypes.StorageObjectFinalized),
            ("source", "//storage.googleapis.com/projects/_/buckets/b"),
            ("id", "1"));

}
