using System.Text.Json.Serialization;

namespace XeroSync.XeroSimulator;

/// <summary>The order a list call returns records in when the request sends no <c>order</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ListOrder>))]
public enum ListOrder
{
    /// <summary>Creation order (the order records were added); edits never move a record.</summary>
    Creation,

    /// <summary>
    /// UpdatedDateUTC ascending, then the order of the last bumping edit, where the endpoint has UpdatedDateUTC
    /// (creation order elsewhere): an edited record moves to the end and every later record one place forward.
    /// </summary>
    UpdatedDate,
}
