using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Core;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;

namespace XeroSync.Worker.Edge;

/// <summary>
/// Reads a CloudEvent from an ASP.NET Core request: binary mode (<c>ce-*</c> headers, body = data) or structured
/// mode (<c>application/cloudevents+json</c>). Mirrors the CloudNative.CloudEvents.AspNetCore adapter on the core
/// 2.9.0 helpers, but never throws for bad input.
/// </summary>
public static class CloudEventReader
{
    /// <summary>Bodies larger than this (10 MiB) are poison.</summary>
    public const int MaxBodyBytes = RequestBody.DefaultMaxBytes;

    /// <summary>The Eventarc storage extension attribute <c>bucket</c> (string).</summary>
    public static CloudEventAttribute BucketAttribute { get; } = CloudEventAttribute.CreateExtension("bucket", CloudEventAttributeType.String);

    /// <summary>The Eventarc Pub/Sub extension attribute <c>topic</c> (string).</summary>
    public static CloudEventAttribute TopicAttribute { get; } = CloudEventAttribute.CreateExtension("topic", CloudEventAttributeType.String);

    /// <summary>Extension attributes registered on every event read.</summary>
    public static IReadOnlyList<CloudEventAttribute> ExtensionAttributes { get; } = [BucketAttribute, TopicAttribute];

    /// <summary>The formatter used for both modes (JSON data becomes a <see cref="JsonElement"/>).</summary>
    public static CloudEventFormatter Formatter { get; } = new JsonEventFormatter();

    /// <summary>True when the request looks like a CloudEvent (structured content type or a ce-specversion header).</summary>
    public static bool IsCloudEvent(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MimeUtilities.IsCloudEventsContentType(request.ContentType)
            || request.Headers.ContainsKey(HttpUtilities.SpecVersionHttpHeader);
    }

    /// <summary>
    /// Reads and validates the event. Poison for: oversized body, batch mode, missing or unknown specversion,
    /// missing required attributes (id, source, type), malformed attribute values or malformed JSON.
    /// Throws only on cancellation (or a transport failure while reading the body).
    /// </summary>
    public static async Task<DecodeResult<CloudEvent>> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (body.IsPoison)
        {
            return DecodeResult.Poison<CloudEvent>(body.PoisonReason);
        }

        return Read(request.Headers, request.ContentType, body.Value);
    }

    /// <summary>Reads an event whose body was already read (the route keeps the bytes for a poison record).</summary>
    public static DecodeResult<CloudEvent> Read(IHeaderDictionary headers, string? contentType, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            if (MimeUtilities.IsCloudEventsBatchContentType(contentType))
            {
                return DecodeResult.Poison<CloudEvent>("CloudEvents batch mode is not supported");
            }

            return MimeUtilities.IsCloudEventsContentType(contentType)
                ? ReadStructured(body, contentType!)
                : ReadBinary(headers, contentType, body);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            return DecodeResult.Poison<CloudEvent>($"invalid CloudEvent: {ex.Message}");
        }
    }

    private static DecodeResult<CloudEvent> ReadStructured(byte[] body, string contentType)
    {
        var json = RequestBody.WithoutBom(body);
        if (RequestBody.IsBlank(json.Span))
        {
            return DecodeResult.Poison<CloudEvent>("structured CloudEvent with an empty body");
        }

        var cloudEvent = Formatter.DecodeStructuredModeMessage(json, MimeUtilities.CreateContentTypeOrNull(contentType), ExtensionAttributes);
        return DecodeResult.Success(Validation.CheckCloudEventArgument(cloudEvent, "request"));
    }

    private static DecodeResult<CloudEvent> ReadBinary(IHeaderDictionary headers, string? contentType, byte[] body)
    {
        var versionId = headers[HttpUtilities.SpecVersionHttpHeader].ToString();
        if (versionId.Length == 0)
        {
            return DecodeResult.Poison<CloudEvent>($"not a CloudEvent: no {HttpUtilities.SpecVersionHttpHeader} header and Content-Type '{contentType}' is not application/cloudevents");
        }

        var version = CloudEventsSpecVersion.FromVersionId(versionId);
        if (version is null)
        {
            return DecodeResult.Poison<CloudEvent>($"unknown CloudEvents specversion '{versionId}'");
        }

        var cloudEvent = new CloudEvent(version, ExtensionAttributes);
        foreach (var (headerName, values) in headers)
        {
            var attributeName = HttpUtilities.GetAttributeNameFromHeaderName(headerName);
            if (attributeName is null || attributeName == CloudEventsSpecVersion.SpecVersionAttribute.Name)
            {
                continue;
            }

            cloudEvent.SetAttributeFromString(attributeName, HttpUtilities.DecodeHeaderValue(values.ToString()));
        }

        cloudEvent.DataContentType = string.IsNullOrEmpty(contentType) ? null : contentType;
        var data = RequestBody.WithoutBom(body);
        if (!RequestBody.IsBlank(data.Span))
        {
            Formatter.DecodeBinaryModeEventData(data, cloudEvent);
        }

        return DecodeResult.Success(Validation.CheckCloudEventArgument(cloudEvent, "request"));
    }
}
