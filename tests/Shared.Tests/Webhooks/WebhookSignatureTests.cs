using System.Text;
using XeroSync.Webhooks;

namespace XeroSync.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    /// <summary>RFC 4231 test case 2: HMAC-SHA256 with key "Jefe" over "what do ya want for nothing?".</summary>
    private const string Rfc4231Case2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    [Fact(Timeout = 10_000)]
    public void The_signature_is_the_base64_of_the_bodys_hmac_sha256_under_the_key()
    {
        var expected = Convert.ToBase64String(Convert.FromHexString(Rfc4231Case2));
        Assert.Equal(expected, WebhookSignature.Compute("Jefe", "what do ya want for nothing?"u8));
    }

    [Fact(Timeout = 10_000)]
    public void Only_the_exact_mac_matches()
    {
        var mac = Convert.FromHexString(Rfc4231Case2);
        var header = Convert.ToBase64String(mac);
        Assert.True(WebhookSignature.Matches(header, mac));

        var flipped = (byte[])mac.Clone();
        flipped[^1] ^= 1;
        Assert.False(WebhookSignature.Matches(Convert.ToBase64String(flipped), mac));
        Assert.False(WebhookSignature.Matches(null, mac));
        Assert.False(WebhookSignature.Matches(string.Empty, mac));
        Assert.False(WebhookSignature.Matches("not base64!", mac));
        Assert.False(WebhookSignature.Matches(Convert.ToBase64String(mac[..16]), mac));
        Assert.False(WebhookSignature.Matches(Convert.ToHexString(mac), mac));
        Assert.False(WebhookSignature.Matches(new string('A', 10_000), mac));
    }

    [Fact(Timeout = 10_000)]
    public void A_different_key_or_body_gives_a_different_signature()
    {
        var body = Encoding.UTF8.GetBytes("""{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"}""");
        Assert.NotEqual(WebhookSignature.Compute("key-one", body), WebhookSignature.Compute("key-two", body));
        Assert.NotEqual(WebhookSignature.Compute("key-one", body), WebhookSignature.Compute("key-one", body.AsSpan(1)));
    }
}
