namespace XeroSync.Tests;

/// <summary>A column's type as Xero's OpenAPI spec gives it (see <see cref="XeroViewSpec"/>).</summary>
internal enum SpecType
{
    Text,
    Number,
    Whole,
    Bool,
    Stamp,
    Date,
}
