using Google.Apis.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using XeroSync.Configuration;

namespace XeroSync.Security;

/// <summary>
/// Optional in-app check of Google-signed OIDC tokens (Pub/Sub push, Eventarc, Cloud Scheduler, and operators calling
/// by hand) for deployments without Cloud Run IAM: audience, Google issuer, signature, and an allow-list of emails.
/// Off unless <c>XEROSYNC_OIDC_AUDIENCE</c> is set; <c>/healthz</c> is always open, and so is <c>POST /webhooks/xero</c>
/// (Xero signs its body instead: <see cref="Webhooks.WebhookReceiver"/>).
/// </summary>
public static partial class OidcVerification
{
    /// <summary>
    /// The audience of a user's identity token from <c>gcloud auth print-identity-token</c> (the Google Cloud SDK's OAuth
    /// client id; Cloud Run's IAM check accepts it): accepted only from <see cref="CloudOptions.OidcOperatorEmails"/>.
    /// </summary>
    public const string CloudSdkAudience = "32555940559.apps.googleusercontent.com";

    public static WebApplication UseOidcVerification(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<CloudOptions>();
        if (options.OidcAudience is null)
        {
            return app;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("XeroSync.Security.Oidc");
        var settings = new GoogleJsonWebSignature.ValidationSettings
        {
            Audience = options.OidcOperatorEmails.Count > 0 ? [options.OidcAudience, CloudSdkAudience] : [options.OidcAudience],
        };
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal) ||
                (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(Webhooks.WebhookReceiver.Path, StringComparison.Ordinal)))
            {
                await next(context);
                return;
            }

            var problem = await VerifyAsync(context.Request, settings, options.OidcAllowedEmails, options.OidcOperatorEmails);
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
    public static Task<string?> VerifyAsync(HttpRequest request, GoogleJsonWebSignature.ValidationSettings settings, IReadOnlyList<string> allowedEmails) =>
        VerifyAsync(request, settings, allowedEmails, []);

    /// <summary>
    /// As above, also admitting <paramref name="operatorEmails"/>: with the service's audience, or with the Cloud SDK's
    /// (<see cref="CloudSdkAudience"/>, which <paramref name="settings"/> must list for such tokens to validate).
    /// </summary>
    public static async Task<string?> VerifyAsync(
        HttpRequest request,
        GoogleJsonWebSignature.ValidationSettings settings,
        IReadOnlyList<string> allowedEmails,
        IReadOnlyList<string> operatorEmails)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(allowedEmails);
        ArgumentNullException.ThrowIfNull(operatorEmails);
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return "no bearer token";
        }

        try
        {
            var payload = await GoogleJsonWebSignature.ValidateAsync(header["Bearer ".Length..].Trim(), settings);
            var email = payload.EmailVerified ? payload.Email : null;
            var isOperator = email is not null && operatorEmails.Contains(email, StringComparer.OrdinalIgnoreCase);
            if (payload.AudienceAsList.Contains(CloudSdkAudience, StringComparer.Ordinal))
            {
                return isOperator ? null : "token email is not an operator's";
            }

            if ((allowedEmails.Count > 0 || operatorEmails.Count > 0) && !isOperator
                && (email is null || !allowedEmails.Contains(email, StringComparer.OrdinalIgnoreCase)))
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
