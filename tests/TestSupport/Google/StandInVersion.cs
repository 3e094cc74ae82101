using System.Globalization;
using System.Text;

namespace XeroSync.Tests.Google;

/// <summary>One version held by <see cref="SecretManagerStandIn"/>.</summary>
internal sealed class StandInVersion(int number, byte[] data, DateTimeOffset createdAt)
{
    public int Number { get; } = number;

    public byte[] Data { get; set; } = data;

    public string Text => Encoding.UTF8.GetString(Data);

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public string State { get; set; } = "ENABLED";

    public int Generation { get; set; } = 1;

    public string Etag => string.Create(CultureInfo.InvariantCulture, $"\"v{Number}g{Generation}\"");
}
