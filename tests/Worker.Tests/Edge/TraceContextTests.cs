using XeroSync.Worker.Edge;

namespace XeroSync.Worker.Tests.Edge;

public sealed class TraceContextTests
{
    private const string W3CTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string W3CTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    [Theory]
    [InlineData("105445aa7843bc8bf206b12000100000/1;o=1", "105445aa7843bc8bf206b12000100000")]
    [InlineData("105445AA7843BC8BF206B12000100000/123", "105445aa7843bc8bf206b12000100000")]
    [InlineData("105445aa7843bc8bf206b12000100000", "105445aa7843bc8bf206b12000100000")]
    [InlineData("105445aa7843bc8bf206b12000100000;o=0", "105445aa7843bc8bf206b12000100000")]
    [InlineData("xyz/1;o=1", null)]
    [InlineData("105445aa7843bc8bf206b1200010000/1", null)]
    [InlineData("00000000000000000000000000000000/1", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void CloudTraceContextHeader(string? value, string? expected) =>
        Assert.Equal(expected, TraceContext.FromCloudTraceContext(value));

    [Theory]
    [InlineData(W3CTraceparent, W3CTraceId)]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-00", W3CTraceId)]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01", null)]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", null)]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01", null)]
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null)]
    [InlineData("00-zzf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null)]
    [InlineData("garbage", null)]
    public void TraceparentHeader(string value, string? expected) =>
        Assert.Equal(expected, TraceContext.FromTraceparent(value));

    [Fact]
    public void CloudTraceHeaderWinsOverTraceparent()
    {
        var request = EdgeRequests.Create(
            "{}",
            ("X-Cloud-Trace-Context", "105445aa7843bc8bf206b12000100000/1;o=1"),
            ("traceparent", W3CTraceparent));

        Assert.Equal("105445aa7843bc8bf206b12000100000", TraceContext.GetTraceId(request));
    }

    [Fact]
    public void InvalidCloudTraceHeaderFallsBackToTraceparent()
    {
        var request = EdgeRequests.Create("{}", ("X-Cloud-Trace-Context", "nope"), ("traceparent", W3CTraceparent));

        Assert.Equal(W3CTraceId, TraceContext.GetTraceId(request));
    }

    [Fact(Timeout = 60_000)]
    public async Task CloudEventTraceparentExtensionIsTheLastResort()
    {
        var request = EdgeRequests.BinaryCloudEvent(
            "{}"u8.ToArray(),
            "application/json",
            ("specversion", "1.0"),
            ("type", "t"),
            ("source", "//s"),
            ("id", "1"),
            ("traceparent", W3CTraceparent));
        var cloudEvent = (await CloudEventReader.ReadAsync(request, TestContext.Current.CancellationToken)).Value;

        Assert.Equal(W3CTraceId, TraceContext.GetTraceId(request, cloudEvent));
        Assert.Null(TraceContext.GetTraceId(request));
        Assert.Null(TraceContext.GetTraceId(EdgeRequests.Json("{}")));
    }
}
