using System.Text.Json;

namespace XeroSync.Tests;

internal static class JsonElementText
{
    /// <summary>A string property that must be there.</summary>
    public static string GetString(this JsonElement element, string name) => element.GetProperty(name).GetString()!;
}
