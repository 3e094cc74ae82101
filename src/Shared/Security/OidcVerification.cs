using Google.Apis.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using XeroSync.Configuration;

namespace XeroSync.Security;

/// <summary>
/// Optional in-app check of Google-signed OIDC tokens (Pub/Sub push, Eventarc, Cloud Scheduler) for
/// deployments without Cloud Run IAM: audience, Google issuer, signature, and an allow-list of service
/// account emails. Off unless <c>XEROSYNC_OIDC_AUDIENCE</c> is set; <c>/healthz</c> is always open.
/// </summary>
public static partial class OidcVerification
{
    public static WebApplication UseOidcVerification(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<CloudOptions>();
        if (options.OidcAudience is null)
        {
            return app;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("XeroSync.Security.Oidc");
        var settings = new GoogleJsonWebSignature.ValidationSettings { Audience = [options.OidcAudience] };
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            var problem = await VerifyAsync(context.Request, settings, options.OidcAllowedEmails);
            if (problem is not null)
            {
                Log.Rejected(logger, context.Request.Path.ToString(), problem);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await next(context);
        });
        return app;
    }

    /// <summary>Null when the request carries an acceptable token; otherwise why not (never the token itself).</summary>
    public static async Task<string?> VerifyAsync(HttpRequest request, GoogleJsonWebSignature.ValidationSettings settings, IReadOnlyList<string> allowedEmails)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(allowedEmails);
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return "no bearer token";
        }

        try
        {
            var payload = await GoogleJsonWebSignature.ValidateAsync(header["Bearer ".Length..].Trim(), settings);
            if (allowedEmails.Count > 0 && (payload.Email is null || !payload.EmailVerified || !allowedEmails.Contains(payload.Email, StringComparer.OrdinalIgnoreCase)))
            {
                return "token email is not allowed";
            }

            return null;
        }
        catch (InvalidJwtException ex)
        {
            return "invalid token: " + ex.GetType().Name;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 900, Level = LogLevel.Warning, Message = "Rejected a request to {Path}: {Reason}")]
        public static partial void Rejected(ILogger logger, string path, string reason);
    }
}
