namespace XeroSync;

/// <summary>An identifier from outside failed validation; the message never echoes it unescaped.</summary>
public sealed class InvalidIdentifierException : FormatException
{
    public InvalidIdentifierException()
    {
    }

    public InvalidIdentifierException(string message)
        : base(message)
    {
    }

    public InvalidIdentifierException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvalidIdentifierException(string kind, string? value)
        : base($"Invalid {kind} '{Identifiers.Printable(value)}'.")
    {
    }
}
