namespace XeroSync.Tests;

/// <summary>What the BigQuery-dialect parser made of one statement: null error when it is one SELECT, and its column aliases.</summary>
public sealed record ParsedSql(string? Error, IReadOnlyList<string?> Columns);
