using XeroSync.Contracts;

namespace XeroSync.Storage;

/// <summary>What every object store accepts as a name: relative, '/'-separated, no empty, '.' or '..' segment.</summary>
public static class ObjectNameRules
{
    /// <summary>Suffix of the folder store's in-progress files; never a valid object name.</summary>
    public const string TempSuffix = ".tmp~";

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a safe relative object name.</summary>
    public static void Validate(string name, string parameterName = "name")
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("Object name must not be empty.", parameterName);
        }

        if (name[0] == '/' || Path.IsPathRooted(name))
        {
            throw new ArgumentException($"Object name '{Identifiers.Printable(name)}' must be relative.", parameterName);
        }

        foreach (var c in name)
        {
            if (c == '\\' || char.IsControl(c))
            {
                throw new ArgumentException($"Object name '{Identifiers.Printable(name)}' contains a backslash or control character.", parameterName);
            }
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw new ArgumentException($"Object name '{Identifiers.Printable(name)}' has an empty, '.' or '..' segment.", parameterName);
            }
        }

        if (name.Contains("..", StringComparison.Ordinal) || name.EndsWith(TempSuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Object name '{Identifiers.Printable(name)}' is not allowed.", parameterName);
        }
    }
}
