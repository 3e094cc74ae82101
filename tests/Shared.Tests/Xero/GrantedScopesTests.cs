using System.Text;
using XeroSync.Xero;

namespace XeroSync.Tests.Xero;

/// <summary>
/// Scopes read from what Xero reports (developer.xero.com/documentation/oauth2/scopes: a space-separated <c>scope</c>
/// in the token response; the access token is a JWT whose <c>scope</c> claim is an array).
/// </summary>
public sealed class GrantedScopesTests
{
    [Fact]
    public void The_jwt_scope_claim_array_is_read_when_the_token_response_has_no_scope()
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var jwt = Part("""{"alg":"RS256"}""") + "." + Part("""{"xero_userid":"u","scope":["accounting.invoices.read","offline_access"]}""") + ".sig";

        var granted = GrantedScopes.From(null, jwt);

        Assert.NotNull(granted);
        Assert.True(granted.Grants(EndpointCatalog.Get("Invoices")));
        Assert.True(granted.Grants(EndpointCatalog.Get("Quotes")));
        Assert.False(granted.Grants(EndpointCatalog.Get("Payments")));
        Assert.Null(GrantedScopes.From(null, "opaque-token"));
    }

    [Theory]
    [InlineData("accounting.transactions.read", "BankTransactions", true)] // an older app's broad scope still reads transactions
    [InlineData("accounting.transactions", "ManualJournals", true)]
    [InlineData("accounting.settings.read", "Items", true)] // Xero lists Items under settings too
    [InlineData("accounting.contacts.read", "ContactGroupsDetails", true)] // details follow their list's scope
    [InlineData("accounting.invoices.read", "Journals", false)]
    [InlineData("accounting.payments.read", "BankTransfers", false)]
    [InlineData("accounting.budgets.read", "BudgetsDetails", true)]
    public void Each_endpoint_is_granted_by_its_documented_scopes(string scope, string endpoint, bool granted) =>
        Assert.Equal(granted, GrantedScopes.Parse(scope)!.Grants(EndpointCatalog.Get(endpoint)));
}
