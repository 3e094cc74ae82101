namespace XeroSync.Cli;

/// <summary>
/// The parsed command line: a verb, <c>--name value</c> / <c>--name=value</c> options and flags.
/// Unknown options are errors, never ignored.
/// </summary>
public sealed class CliArguments
{
    private static readonly System.Buffers.SearchValues<char> OptionNameCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private readonly Dictionary<string, string?> _options;

    private CliArguments(string verb, Dictionary<string, string?> options, IReadOnlyList<string> positionals)
    {
        Verb = verb;
        _options = options;
        Positionals = positionals;
    }

    public string Verb { get; }

    public IReadOnlyList<string> Positionals { get; }

    /// <summary>Whether <c>--help</c> or <c>-h</c> follows the verb (before a <c>--</c> that ends the options).</summary>
    public static bool AsksForHelp(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        foreach (var arg in args.Skip(1))
        {
            if (arg == "--")
            {
                return false;
            }

            if (arg is "--help" or "-h")
            {
                return true;
            }
        }

        return false;
    }

    public static CliArguments Parse(string[] args, IReadOnlyDictionary<string, bool> knownOptions)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(knownOptions);
        var verb = args[0] is "--help" or "-h" ? "help" : args[0];
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var positionals = new List<string>();
        var endOfOptions = false;
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--" && !endOfOptions)
            {
                endOfOptions = true;
                continue;
            }

            // Only --name or --name=value is an option: SQL starting with a "-- comment" line is a positional.
            if (endOfOptions || !IsOptionSyntax(arg))
            {
                positionals.Add(arg);
                continue;
            }

            var name = arg[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (!knownOptions.TryGetValue(name, out var takesValue))
            {
                throw new CliUsageException($"Unknown option '--{Identifiers.Printable(name)}' for '{verb}'. Known: {string.Join(", ", knownOptions.Keys.Select(k => "--" + k))}.");
            }

            if (takesValue && value is null)
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new CliUsageException($"Option '--{name}' needs a value.");
                }

                value = args[++i];
            }
            else if (!takesValue && value is not null)
            {
                throw new CliUsageException($"Option '--{name}' takes no value.");
            }

            options[name] = value;
        }

        return new CliArguments(verb, options, positionals);
    }

    public bool Has(string name) => _options.ContainsKey(name);

    private static bool IsOptionSyntax(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
        {
            return false;
        }

        var name = arg.AsSpan(2);
        var equals = name.IndexOf('=');
        if (equals >= 0)
        {
            name = name[..equals];
        }

        return name.Length > 0 && char.IsAsciiLetterLower(name[0]) && !name.ContainsAnyExcept(OptionNameCharacters);
    }

    public string? Value(string name) => _options.TryGetValue(name, out var value) ? value : null;

    /// <summary>A comma-separated list option, trimmed, empties removed; null when absent.</summary>
    public IReadOnlyList<string>? List(string name) =>
        Value(name) is { } value ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
}
