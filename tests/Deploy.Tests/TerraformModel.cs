using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace XeroSync.Tests;

/// <summary>
/// The HCL of deploy/terraform as JSON (hcl2json's shape: blocks are arrays of objects, expressions are
/// "${...}" strings), with a small evaluator for the expressions the cross-checks need: references to
/// variables (defaults or given values), locals and literal resource arguments, string interpolation,
/// <c>a == "x"</c> and <c>cond ? "x" : "y"</c>. Anything else evaluates to null (unknown).
/// </summary>
public sealed partial class TerraformModel
{
    private readonly Dictionary<string, Dictionary<string, JsonElement>> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> _locals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> _variables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _inputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _outputs = new(StringComparer.Ordinal);

    private TerraformModel()
    {
    }

    public IReadOnlyDictionary<string, Dictionary<string, JsonElement>> Resources => _resources;

    public static TerraformModel From(JsonElement files)
    {
        var model = new TerraformModel();
        foreach (var file in files.EnumerateObject())
        {
            if (file.Value.TryGetProperty("resource", out var resources))
            {
                foreach (var type in resources.EnumerateObject())
                {
                    var byName = model._resources.TryGetValue(type.Name, out var existing) ? existing : model._resources[type.Name] = new(StringComparer.Ordinal);
                    foreach (var name in type.Value.EnumerateObject())
                    {
                        byName[name.Name] = name.Value[0].Clone();
                    }
                }
            }

            if (file.Value.TryGetProperty("locals", out var locals))
            {
                foreach (var block in locals.EnumerateArray())
                {
                    foreach (var local in block.EnumerateObject())
                    {
                        model._locals[local.Name] = local.Value.Clone();
                    }
                }
            }

            if (file.Value.TryGetProperty("output", out var outputs))
            {
                foreach (var output in outputs.EnumerateObject())
                {
                    model._outputs.Add(output.Name);
                }
            }

            if (file.Value.TryGetProperty("variable", out var variables))
            {
                foreach (var variable in variables.EnumerateObject())
                {
                    model._variables[variable.Name] = variable.Value[0].Clone();
                }
            }
        }

        return model;
    }

    /// <summary>Gives a value to a reference (<c>var.project</c>, or a computed one such as <c>data.google_project.this.number</c>).</summary>
    public TerraformModel With(string reference, string value)
    {
        _inputs[reference] = value;
        return this;
    }

    public JsonElement Resource(string type, string name)
    {
        var body = default(JsonElement);
        Assert.True(_resources.TryGetValue(type, out var byName) && byName.TryGetValue(name, out body), $"Terraform has no {type}.{name}.");
        return body;
    }

    /// <summary>A local value as parsed (an object constructor stays a JSON object).</summary>
    public JsonElement Local(string name) => _locals[name];

    public bool HasVariable(string name) => _variables.ContainsKey(name);

    public IReadOnlyCollection<string> Variables => _variables.Keys;

    public IReadOnlyCollection<string> Outputs => _outputs;

    /// <summary>The nested blocks called <paramref name="name"/> of <paramref name="body"/> (none when absent).</summary>
    public static IEnumerable<JsonElement> Blocks(JsonElement body, string name)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(name, out var value))
        {
            return [];
        }

        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
    }

    public static JsonElement Block(JsonElement body, string name) =>
        Blocks(body, name).FirstOrDefault() is { ValueKind: JsonValueKind.Object } block ? block : throw new KeyNotFoundException($"No block '{name}'.");

    /// <summary>The raw text of an argument (its expression as written), or null.</summary>
    public static string? Raw(JsonElement body, string argument) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(argument, out var value) ? Text(value) : null;

    /// <summary>The value of an argument, evaluated; null when absent or unknown before apply.</summary>
    public string? Value(JsonElement body, string argument) => Raw(body, argument) is { } raw ? Evaluate(raw) : null;

    /// <summary>Evaluates a template ("a-${var.x}-b") or returns null when any part is unknown.</summary>
    public string? Evaluate(string template, int depth = 0)
    {
        if (depth > 20)
        {
            return null;
        }

        var text = template;
        for (var guard = 0; guard < 50; guard++)
        {
            var match = Innermost().Match(text);
            if (!match.Success)
            {
                return text;
            }

            var value = EvaluateExpression(match.Groups[1].Value.Trim(), depth);
            if (value is null)
            {
                return null;
            }

            text = string.Concat(text.AsSpan(0, match.Index), value, text.AsSpan(match.Index + match.Length));
        }

        return null;
    }

    private string? EvaluateExpression(string expression, int depth)
    {
        if (Conditional().Match(expression) is { Success: true } conditional)
        {
            return EvaluateExpression(conditional.Groups[1].Value.Trim(), depth) switch
            {
                "true" => conditional.Groups[2].Value,
                "false" => conditional.Groups[3].Value,
                _ => null,
            };
        }

        if (Equality().Match(expression) is { Success: true } equality)
        {
            return EvaluateExpression(equality.Groups[1].Value.Trim(), depth) is { } left
                ? (left == equality.Groups[2].Value ? "true" : "false")
                : null;
        }

        return Reference().IsMatch(expression) ? Lookup(expression, depth) : null;
    }

    private string? Lookup(string reference, int depth)
    {
        if (_inputs.TryGetValue(reference, out var given))
        {
            return given;
        }

        var parts = reference.Split('.');
        switch (parts[0])
        {
            case "var" when parts.Length == 2:
                return _variables.TryGetValue(parts[1], out var variable) && variable.TryGetProperty("default", out var fallback) ? Scalar(fallback, depth) : null;
            case "local" when parts.Length == 2:
                return _locals.TryGetValue(parts[1], out var local) ? Scalar(local, depth) : null;
            default:
                if (parts.Length == 3 && _resources.TryGetValue(parts[0], out var byName) && byName.TryGetValue(parts[1].Split('[')[0], out var body)
                    && body.TryGetProperty(parts[2], out var argument))
                {
                    return Scalar(argument, depth);
                }

                return null;
        }
    }

    private string? Scalar(JsonElement value, int depth) => value.ValueKind switch
    {
        JsonValueKind.String => Evaluate(value.GetString()!, depth + 1),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetDouble().ToString(CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    [GeneratedRegex(@"\$\{([^{}]*)\}")]
    private static partial Regex Innermost();

    [GeneratedRegex(@"^(.+?)\s\?\s""([^""]*)""\s:\s""([^""]*)""$")]
    private static partial Regex Conditional();

    [GeneratedRegex(@"^(\S+)\s==\s""([^""]*)""$")]
    private static partial Regex Equality();

    [GeneratedRegex(@"^(var|local|data\.[a-z0-9_]+|google_[a-z0-9_]+)\.[a-z0-9_]+(\[0\])?(\.[a-z0-9_]+)?$")]
    private static partial Regex Reference();
}
