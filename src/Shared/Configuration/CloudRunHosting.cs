using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace XeroSync.Configuration;

/// <summary>Cloud Run's container contract: listen on <c>PORT</c> unless <c>--urls</c> (or ASPNETCORE_URLS) says otherwise.</summary>
public static class CloudRunHosting
{
    public static WebApplicationBuilder UsePortVariable(this WebApplicationBuilder builder, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(environment);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) &&
            int.TryParse(environment("PORT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
        {
            builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://0.0.0.0:{port}"));
        }

        return builder;
    }
}
