using XeroSync.Xero;

namespace XeroSync.Tests.Xero;

public sealed class XeroDateTests
{
    [Theory]
    [InlineData("/Date(1439434356790)/", 1439434356790L)]
    [InlineData("/Date(1419937200000+0000)/", 1419937200000L)]
    [InlineData("/Date(1419937200000+1300)/", 1419937200000L)]
    [InlineData("/Date(1419937200000-0800)/", 1419937200000L)]
    [InlineData("/Date(0+0000)/", 0L)]
    [InlineData("/Date(-86400000+0000)/", -86400000L)]
    [InlineData("/Date(-1)/", -1L)]
    public void Parses_dotnet_json_dates_as_unix_milliseconds(string text, long ms)
    {
        Assert.True(XeroDate.TryParse(text, out var value));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(ms), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    [InlineData("2018-11-02T16:31:30Z", "2018-11-02T16:31:30.0000000+00:00")]
    [InlineData("2018-11-02T16:31:30", "2018-11-02T16:31:30.0000000+00:00")]
    [InlineData("2018-11-02T18:31:30+02:00", "2018-11-02T16:31:30.0000000+00:00")]
    public void Parses_iso_8601_as_utc(string text, string expected)
    {
        Assert.True(XeroDate.TryParse(text, out var value));
        Assert.Equal(expected, value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/Date()/")]
    [InlineData("/Date(abc)/")]
    [InlineData("/Date(+)/")]
    [InlineData("/Date(1439434356790")]
    [InlineData("Date(1439434356790)/")]
    [InlineData("/Date(99999999999999999999)/")]
    [InlineData("/Date(253402300800000)/")]
    [InlineData("/Date(-62135596800001)/")]
    [InlineData("not a date")]
    public void Rejects_malformed_or_out_of_range(string text)
    {
        Assert.False(XeroDate.TryParse(text, out _));
    }

    [Fact]
    public void Accepts_the_range_limits()
    {
        Assert.True(XeroDate.TryParse("/Date(253402300799999)/", out var max));
        Assert.Equal(DateTimeOffset.MaxValue.UtcDateTime.Year, max.Year);
        Assert.True(XeroDate.TryParse("/Date(-62135596800000)/", out var min));
        Assert.Equal(1, min.Year);
    }
}
