using System.Globalization;
using CsCheck;
using XeroSync.Xero;

namespace XeroSync.Tests.Xero;

/// <summary>
/// Properties of Xero's .NET JSON dates, as Xero documents them (<c>/Date(1439434356790+0000)/</c>: Unix
/// milliseconds, UTC, with an informational offset): every instant .NET can hold round-trips with any offset;
/// anything else is refused or parsed, never thrown.
/// </summary>
public sealed class XeroDatePropertyTests
{
    public const int Iterations = 20_000;

    /// <summary>0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z in Unix milliseconds.</summary>
    private const long MinMs = -62_135_596_800_000;
    private const long MaxMs = 253_402_300_799_999;

    private static readonly Gen<string> Offset = Gen.OneOf<string>(
        Gen.Const(string.Empty),
        Gen.Select(Gen.Char["+-"], Gen.Int[0, 14], Gen.Int[0, 59]).Select((sign, hours, minutes) => string.Create(CultureInfo.InvariantCulture, $"{sign}{hours:D2}{minutes:D2}")));

    [Fact(Timeout = 60_000)]
    public void Every_instant_round_trips_with_any_offset() =>
        Gen.Select(Gen.Long[MinMs, MaxMs], Offset).Sample(
            (ms, offset) =>
            {
                var text = string.Create(CultureInfo.InvariantCulture, $"/Date({ms}{offset})/");

                Assert.True(XeroDate.TryParse(text, out var value), text);
                Assert.Equal(ms, value.ToUnixTimeMilliseconds());
                Assert.Equal(TimeSpan.Zero, value.Offset);

                // Formatting the parsed instant again gives the same text (offset aside, which is informational).
                Assert.True(XeroDate.TryParse(string.Create(CultureInfo.InvariantCulture, $"/Date({value.ToUnixTimeMilliseconds()}+0000)/"), out var again));
                Assert.Equal(value, again);
            },
            iter: Iterations,
            threads: 1);

    [Fact(Timeout = 60_000)]
    public void Iso_8601_instants_round_trip() =>
        Gen.Long[MinMs, MaxMs].Sample(
            ms =>
            {
                var instant = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                Assert.True(XeroDate.TryParse(instant.ToString("O", CultureInfo.InvariantCulture), out var value));
                Assert.Equal(instant, value);
            },
            iter: Iterations,
            threads: 1);

    [Fact(Timeout = 60_000)]
    public void Milliseconds_outside_what_dotnet_can_hold_are_refused() =>
        Gen.OneOf<long>(Gen.Long[long.MinValue, MinMs - 1], Gen.Long[MaxMs + 1, long.MaxValue]).Sample(
            ms => Assert.False(XeroDate.TryParse(string.Create(CultureInfo.InvariantCulture, $"/Date({ms}+0000)/"), out _)),
            iter: Iterations,
            threads: 1);

    [Fact(Timeout = 60_000)]
    public void Garbage_is_refused_or_parsed_never_thrown() =>
        Gen.OneOf<string>(
            Gen.String,
            Gen.String[Gen.Char["/Date()+-0123456789eE.,: TZ\u0000\u00a0\u0661"], 0, 40],
            Gen.String[Gen.Char["0123456789+-()"], 0, 30].Select(inner => "/Date(" + inner + ")/"),
            Gen.Select(Gen.Long, Gen.String[Gen.Char[' ', '~'], 0, 8]).Select((ms, tail) => "/Date(" + ms.ToString(CultureInfo.InvariantCulture) + tail + ")/"))
        .Sample(
            text =>
            {
                if (XeroDate.TryParse(text, out var value))
                {
                    Assert.Equal(TimeSpan.Zero, value.Offset);
                }
                else
                {
                    Assert.Equal(default, value);
                }
            },
            iter: Iterations,
            threads: 1);
}
