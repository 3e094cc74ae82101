using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Apis.Http;

namespace XeroSync.Tests.Security;

/// <summary>
/// Plays Google's token signer: an RSA key published as a JWKS at the certificate URL the verifier
/// fetches (answered by an in-process handler given to the verifier as its HTTP client factory), and
/// RS256-signed ID tokens with whatever claims a test wants.
/// </summary>
internal sealed class LocalGoogleSigner : HttpClientFactory, IDisposable
{
    private readonly RSA _key = RSA.Create(2048);

    public string KeyId { get; } = "local-" + Guid.NewGuid().ToString("N")[..8];

    public int CertificateFetches { get; private set; }

    public void Dispose() => _key.Dispose();

    /// <summary>An ID token signed with this signer's key (or <paramref name="signWith"/>), under its key id.</summary>
    public string Sign(IReadOnlyDictionary<string, object> claims, RSA? signWith = null)
    {
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "RS256", ["kid"] = KeyId, ["typ"] = "JWT" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signed = Encoding.ASCII.GetBytes(header + "." + payload);
        var signature = (signWith ?? _key).SignData(signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + payload + "." + Base64Url(signature);
    }

    protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) => new JwksHandler(this);

    private string Jwks()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["keys"] = new[]
            {
                new Dictionary<string, string>
                {
                    ["kid"] = KeyId,
                    ["kty"] = "RSA",
                    ["alg"] = "RS256",
                    ["use"] = "sig",
                    ["n"] = Base64Url(parameters.Modulus!),
                    ["e"] = Base64Url(parameters.Exponent!),
                },
            },
        });
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class JwksHandler(LocalGoogleSigner signer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            signer.CertificateFetches++;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(signer.Jwks(), Encoding.UTF8, "application/json"),
                RequestMessage = request,
            });
        }
    }
}
