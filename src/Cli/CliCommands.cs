namespace XeroSync.Cli;

/// <summary>The verbs of the command line, in the order the usage lists them. A new verb is one entry here.</summary>
public static class CliCommands
{
    public static readonly IReadOnlyList<CliCommand> All =
    [
        new("sync", "Extract every Xero endpoint of every connected tenant into the local warehouse.", """
            Usage: xerosync sync [--demo] [options]

              --demo              use the built-in Xero simulator (no credentials needed)
              --data-dir DIR      where state, objects and warehouse.duckdb live (default ./data)
              --endpoints A,B     only these Xero endpoints (e.g. Invoices,Contacts; case-insensitive)
              --tenants T1,T2     only these tenant ids (with --demo: the number of demo organisations)
              --full              ignore watermarks and read everything
              --reconcile         instead: sweep ids and refresh in full within each organisation's day
                                  budget (less 1,500 calls kept for incrementals); records Xero no longer
                                  returns get deleted_at in the latest views
              --budget N          with --reconcile: at most N Xero calls per organisation
              --full-refresh      with --reconcile: read Invoices and Contacts in full now
              --tie-out           after a complete sync, compare each organisation's Trial Balance and Balance
                                  Sheet (one Xero call each per date; scopes accounting.reports.trialbalance.read,
                                  accounting.reports.balancesheet.read) with the balances of the warehouse's
                                  journals, account by account; kept in the warehouse; exit code 4 when one differs
              --as-at YYYY-MM-DD  with --tie-out: the date to tie out at (default the last 3 month ends, UTC)
              --months N          with --tie-out: the last N month ends instead, 1 to 24 (two calls each)
              --verbose           log every page to stderr
              --listen            after the run, receive Xero's webhooks and land the changed records by id
                                  until Ctrl+C (key in XERO_WEBHOOK_KEY; with --demo the simulator sends them)
              --listen-on URL     where --listen listens (default http://127.0.0.1:8787; path /webhooks/xero)

            Real Xero: set XERO_CLIENT_ID and XERO_CLIENT_SECRET. A custom connection needs nothing else; a
            standard app runs `connect` once (or sets XERO_REFRESH_TOKEN), then `sync` refreshes and rotates the
            stored token. XERO_API_URL / XERO_IDENTITY_URL / XERO_LOGIN_URL override https://api.xero.com,
            https://identity.xero.com and https://login.xero.com/identity/.
            """, SyncCommand.Options, SyncCommand.RunAsync),
        new("retry", "Republish a run's failed and deferred pages.", """
            Usage: xerosync retry RUN_ID [--demo] [--data-dir DIR] [--tenants T1,T2] [--verbose]

            Republishes the run's failed and deferred pages and waits for them (same --demo and --data-dir as
            the sync that started it). `status` lists run ids.
            """, RetryCommand.Options, RetryCommand.RunAsync),
        new("status", "Show recent runs, or one run in detail.", """
            Usage: xerosync status [RUN_ID] [--format table|json] [--data-dir DIR] [--limit N]

              RUN_ID              one run, by endpoint and tenant, with its Xero egress per organisation
              --format F          table (default), or json for one run (tenants: calls, bytes_received, bytes_decoded)
              --data-dir DIR      the data folder (default ./data); read only, never written
              --limit N           how many recent runs to list, 1 to 1000 (default 10)
            """, StatusCommand.Options, StatusCommand.RunAsync),
        new("query", "Run read-only SQL on the local warehouse and print the answer.", """
            Usage: xerosync query "SQL" [--format table|csv|json] [--data-dir DIR]

              --format F          table (default, at most 1,000 rows), csv or json (every row)
              --data-dir DIR      the folder holding warehouse.duckdb (default ./data)
            """, QueryCommand.Options, QueryCommand.RunAsync),
        new("connect", "Authorise a Xero standard app in the browser and store its refresh token.", """
            Usage: xerosync connect [options]

              --data-dir DIR      where tokens/default.json is written (default ./data)
              --port N            loopback callback port (default 5005); register
                                  http://127.0.0.1:N/callback as a redirect URI of the Xero app
              --scopes A,B        scopes to request (default: offline_access and the granular read
                                  scopes: invoices, payments, banktransactions, manualjournals,
                                  classicexpenses, contacts, settings, budgets)
              --journals          also ask for accounting.journals.read (needs Xero's approval)
              --broad-scopes      an app created before March 2026 that still holds the broad
                                  accounting.transactions.read instead of the granular ones
              --no-browser        only print the authorize URL
              --secret NAME       store it in Secret Manager instead (projects/P/secrets/S, a new version;
                                  Application Default Credentials): the cloud services' token

            Needs XERO_CLIENT_ID and XERO_CLIENT_SECRET of the Xero app.
            """, ConnectCommand.Options, ConnectCommand.RunAsync),
    ];

    public static CliCommand? Find(string name) => All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}
