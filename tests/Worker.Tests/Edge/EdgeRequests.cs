using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using XeroSync.Tests;

namespace XeroSync.Worker.Tests.Edge;

/// <summary>Builds in-memory requests (no server) and reads the cloudevents fixtures.</summary>
internal static class EdgeRequests
{
    public static HttpRequest Create(byte[] body, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength ??= body.Length;
        return context.Request;
    }

    public static HttpRequest Create(string body, params (string Name, string Value)[] headers) =>
        Create(Encoding.UTF8.GetBytes(body), headers);

    public static HttpRequest Json(string body) => Create(body, ("Content-Type", "application/json"));

    public static string FixturePath(string fileName) => Path.Combine(RepositoryPaths.RequireFixtures("cloudevents"), fileName);

    public static byte[] FixtureBytes(string fileName) => File.ReadAllBytes(FixturePath(fileName));

    /// <summary>A captured emulator push: <c>stem.headers.json</c> (headers verbatim) + <c>stem.body.json</c> (bytes verbatim).</summary>
    public static HttpRequest FromCapturedPush(string stem)
    {
        var body = FixtureBytes(stem + ".body.json");
        using var document = JsonDocument.Parse(File.ReadAllText(FixturePath(stem + ".headers.json")));
        var headers = document.RootElement.GetProperty("headers").EnumerateObject()
            .Select(p => (p.Name, p.Value.GetString() ?? string.Empty))
            .ToArray();
        return Create(body, headers);
    }

    /// <summary>A binary-mode CloudEvent request: <paramref name="data"/> as body, attributes as ce-* headers.</summary>
    public static HttpRequest BinaryCloudEvent(byte[] data, string contentType, params (string Attribute, string Value)[] attributes) =>
        Create(data, [("Content-Type", contentType), .. attributes.Select(a => ("ce-" + a.Attribute, a.Value))]);

    public static HttpRequest StructuredCloudEvent(byte[] body) =>
        Create(body, ("Content-Type", "application/cloudevents+json; charset=utf-8"));

    public static string Utf8(ReadOnlyMemory<byte> data) => Encoding.UTF8.GetString(data.Span);
}
