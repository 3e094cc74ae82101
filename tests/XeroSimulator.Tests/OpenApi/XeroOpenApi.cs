using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace XeroSync.Tests.OpenApi;

/// <summary>
/// The pinned Xero Accounting OpenAPI description (OpenApi/xero_accounting.yaml, see SOURCE.md beside it) as strict JSON
/// Schemas: a GET operation's 200 response schema with every <c>components/schemas</c> entry, where each schema that lists
/// its properties admits no other (<c>additionalProperties: false</c>), so a field Xero never sends fails validation.
/// The response envelope also admits the fields every example response in the description carries (<see cref="EnvelopeFields"/>).
/// </summary>
internal sealed class XeroOpenApi
{
    /// <summary>
    /// The envelope fields Xero's example responses carry beside the schema's (e.g. paths./Invoices.get 200 example:
    /// Id, Status, ProviderName, DateTimeUTC), admitted on every response, also those whose operation has no example.
    /// </summary>
    public static readonly IReadOnlyList<string> EnvelopeFields = ["Id", "Status", "ProviderName", "DateTimeUTC"];

    private static readonly Lazy<XeroOpenApi> Pinned = new(() => new XeroOpenApi(Path.Combine(AppContext.BaseDirectory, "OpenApi", "xero_accounting.yaml")));

    private readonly JsonObject _document;
    private readonly JsonObject _definitions;
    private readonly Dictionary<string, JsonSchema> _validators = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    private XeroOpenApi(string path)
    {
        _document = YamlJson.Load(path)!.AsObject();
        var schemas = _document["components"]!["schemas"]!.AsObject();
        var admitted = new List<string>();
        foreach (var (operation, example) in ResponseExamples())
        {
            AdmitExample(schemas, example.Example, example.Schema, operation, admitted);
        }

        AdmittedFromExamples = admitted.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        _definitions = new JsonObject();
        foreach (var (name, schema) in schemas)
        {
            _definitions[name] = Strict(schema!.DeepClone());
        }
    }

    public static XeroOpenApi Load() => Pinned.Value;

    /// <summary>What Xero's example responses show that the schemas do not list (fields, JSON types, enum values), now admitted.</summary>
    public IReadOnlyList<string> AdmittedFromExamples { get; }

    public string Version => _document["info"]!["version"]!.GetValue<string>();

    public bool HasGet(string path) => Operation(path) is not null;

    /// <summary>The names of the query parameters the GET operation on <paramref name="path"/> lists.</summary>
    public IReadOnlySet<string> QueryParameters(string path)
    {
        var operation = Operation(path) ?? throw new ArgumentException($"The description has no GET {path}.", nameof(path));
        return operation["parameters"]?.AsArray()
            .Select(p => p!.AsObject())
            .Where(p => p["in"]?.GetValue<string>() == "query")
            .Select(p => p["name"]!.GetValue<string>())
            .ToHashSet(StringComparer.Ordinal) ?? [];
    }

    /// <summary>The name of the schema the GET operation on <paramref name="path"/> answers 200 with.</summary>
    public string ResponseSchemaName(string path)
    {
        var operation = Operation(path) ?? throw new ArgumentException($"The description has no GET {path}.", nameof(path));
        var reference = operation["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        return reference["#/components/schemas/".Length..];
    }

    /// <summary>The GET operation's 200 example (null: the description has none).</summary>
    public JsonElement? Example(string path) =>
        Operation(path)?["responses"]?["200"]?["content"]?["application/json"]?["example"] is { } example
            ? JsonDocument.Parse(example.ToJsonString()).RootElement.Clone()
            : null;

    /// <summary>Validates a 200 body of GET <paramref name="path"/>; returns one line per violation (empty when it conforms).</summary>
    public IReadOnlyList<string> Validate(string path, JsonElement body)
    {
        var results = Validator(path).Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        return (results.Details ?? [])
            .Where(d => !d.IsValid && d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private JsonSchema Validator(string path)
    {
        var name = ResponseSchemaName(path);
        lock (_gate)
        {
            if (_validators.TryGetValue(name, out var cached))
            {
                return cached;
            }

            var root = _definitions[name]!.DeepClone().AsObject();
            var properties = root["properties"]!.AsObject();
            foreach (var field in EnvelopeFields)
            {
                properties[field] = new JsonObject { ["type"] = "string" };
            }

            root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
            root["$defs"] = _definitions.DeepClone();
            using var text = JsonDocument.Parse(root.ToJsonString());
            var schema = JsonSchema.Build(text.RootElement.Clone(), new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri("https://xero-openapi.test/accounting/" + name));
            _validators[name] = schema;
            return schema;
        }
    }

    /// <summary>Every operation's JSON response example with its schema.</summary>
    private IEnumerable<(string Operation, (JsonNode Example, JsonNode Schema) Example)> ResponseExamples()
    {
        foreach (var (path, item) in _document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                foreach (var (status, response) in ((operation as JsonObject)?["responses"] as JsonObject) ?? [])
                {
                    if (response?["content"]?["application/json"] is JsonObject { } content
                        && content["example"] is { } example && content["schema"] is { } schema)
                    {
                        yield return ($"{method.ToUpperInvariant()} {path} {status}", (example, schema));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Walks an example response beside its schema and widens the schema to admit what the example shows: a field the
    /// schema does not list, a JSON type or an enum value it does not allow. Xero's examples are responses Xero sent.
    /// </summary>
    private static void AdmitExample(JsonObject schemas, JsonNode? instance, JsonNode? schemaNode, string operation, List<string> admitted)
    {
        if (instance is null || schemaNode is not JsonObject schema)
        {
            return;
        }

        var name = "(inline)";
        if (schema["$ref"] is JsonValue reference)
        {
            name = reference.GetValue<string>()["#/components/schemas/".Length..];
            schema = schemas[name]!.AsObject();
        }

        switch (instance)
        {
            case JsonObject record when schema["properties"] is JsonObject properties:
                foreach (var (field, value) in record)
                {
                    if (!properties.ContainsKey(field))
                    {
                        properties[field] = new JsonObject();
                        admitted.Add($"{name}.{field}: a field ({operation})");
                    }
                    else
                    {
                        AdmitValue(schemas, value, properties[field]!.AsObject(), $"{name}.{field}", operation, admitted);
                    }
                }

                break;
            case JsonArray array when schema["items"] is { } items:
                foreach (var item in array)
                {
                    AdmitExample(schemas, item, items, operation, admitted);
                }

                break;
        }
    }

    private static void AdmitValue(JsonObject schemas, JsonNode? value, JsonObject schema, string where, string operation, List<string> admitted)
    {
        if (value is not JsonValue scalar || schema["$ref"] is not null)
        {
            AdmitExample(schemas, value, schema, operation, admitted);
            return;
        }

        var kind = scalar.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => scalar.ToJsonString().Contains('.', StringComparison.Ordinal) ? "number" : "integer",
            _ => null,
        };
        if (kind is not null && schema["type"] is JsonValue type && type.GetValue<string>() is var declared
            && declared != kind && !(declared == "number" && kind == "integer"))
        {
            schema["type"] = new JsonArray(declared, kind);
            admitted.Add($"{where}: {kind} as well as {declared} ({operation})");
        }

        if (schema["enum"] is JsonArray values && kind == "string" && !values.Any(v => v?.ToJsonString() == scalar.ToJsonString()))
        {
            values.Add(scalar.GetValue<string>());
            admitted.Add($"{where}: the value {scalar.GetValue<string>()} ({operation})");
        }
    }

    private JsonObject? Operation(string path) => _document["paths"]![path]?["get"] as JsonObject;

    /// <summary>An OpenAPI 3.0 schema as a JSON Schema 2020-12 one that admits only the properties it lists.</summary>
    private static JsonNode? Strict(JsonNode? node)
    {
        if (node is not JsonObject schema)
        {
            return node;
        }

        if (schema["$ref"] is JsonValue reference)
        {
            schema["$ref"] = reference.GetValue<string>().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        }

        if (schema["properties"] is JsonObject properties)
        {
            foreach (var name in properties.Select(p => p.Key).ToList())
            {
                properties[name] = Strict(properties[name]?.DeepClone());
            }

            schema.TryAdd("additionalProperties", false);
        }

        if (schema["items"] is JsonObject items)
        {
            schema["items"] = Strict(items.DeepClone());
        }

        if (schema["additionalProperties"] is JsonObject additional)
        {
            schema["additionalProperties"] = Strict(additional.DeepClone());
        }

        // OpenAPI's own keywords are no JSON Schema's: "example" (data, not schema), "externalDocs" and the x- extensions.
        foreach (var keyword in schema.Select(p => p.Key).Where(k => k is "example" or "externalDocs" || k.StartsWith("x-", StringComparison.Ordinal)).ToList())
        {
            schema.Remove(keyword);
        }

        return schema;
    }
}
