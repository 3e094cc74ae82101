using System.Text.Json;
using XeroSync.Xero;

namespace XeroSync.Tests.Xero;

/// <summary>A page's records as JSON elements, for tests that look inside them.</summary>
internal static class XeroPageElements
{
    public static List<JsonElement> RecordElements(this XeroPage page)
    {
        var elements = new List<JsonElement>(page.Count);
        for (var i = 0; i < page.Count; i++)
        {
            var reader = new Utf8JsonReader(page.RecordJson(i));
            elements.Add(JsonElement.ParseValue(ref reader));
        }

        return elements;
    }
}
