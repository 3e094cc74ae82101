using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// Every Google call the services make is granted by deploy/terraform, and every grant is needed by some call. The
/// cloud shape runs a standard app's sync, a reconcile that defers endpoints and a retry, a sync and a tie-out, with each service's calls
/// going through recording proxies of its own in front of Pub/Sub, Firestore, the fake Cloud Storage, the fake
/// BigQuery and the Secret Manager stand-in (as each Cloud Run service calls with its own service account). Each call
/// is turned into the permissions it needs (<see cref="GooglePermissions"/>, from the APIs' reference pages) and
/// checked against the Terraform's bindings expanded into permissions (<see cref="TerraformGrants"/>,
/// <see cref="PredefinedRoles"/> from Google's IAM reference).
/// </summary>
public sealed class CloudPermissionTests(GoogleEmulators emulators)
{
    /// <summary>Emulator host variables and the API each names.</summary>
    private static readonly Dictionary<string, string> Apis = new(StringComparer.Ordinal)
    {
        ["PUBSUB_EMULATOR_HOST"] = "pubsub",
        ["FIRESTORE_EMULATOR_HOST"] = "firestore",
        ["STORAGE_EMULATOR_HOST"] = "storage",
        ["BIGQUERY_EMULATOR_HOST"] = "bigquery",
        ["SECRETMANAGER_EMULATOR_HOST"] = "secretmanager",
    };

    /// <summary>Grants no recorded call can need, and why they are there.</summary>
    private static readonly Dictionary<string, string> NotFromRecordedCalls = new(StringComparer.Ordinal)
    {
        ["google_secret_manager_secret_iam_member.dispatcher_client_id"] = "Cloud Run reads XERO_CLIENT_ID through secret_key_ref as the service's account when an instance starts",
        ["google_secret_manager_secret_iam_member.dispatcher_client_secret"] = "as dispatcher_client_id, for XERO_CLIENT_SECRET",
        ["google_secret_manager_secret_iam_member.worker_client_id"] = "as dispatcher_client_id",
        ["google_secret_manager_secret_iam_member.worker_client_secret"] = "as dispatcher_client_id",
        ["google_service_account_iam_member.agent_signs_push_tokens"] = "the Pub/Sub service agent mints the push account's OIDC tokens",
        ["google_pubsub_topic_iam_member.agent_publishes_dead_letters"] = "the Pub/Sub service agent moves undeliverable messages (DeadLetterTests)",
        ["google_pubsub_subscription_iam_member.agent_acks_source"] = "the Pub/Sub service agent acknowledges dead-lettered messages on the source subscription",
        ["google_project_iam_member.gcs_agent_publishes_events"] = "Cloud Storage's service agent publishes the finalize events Eventarc delivers",
        ["google_cloud_run_v2_service_iam_member.operators_invoke_dispatcher"] = "people calling GET /runs and retry by hand",
        ["google_cloud_run_v2_service_iam_member.xero_invokes_dispatcher"] = "with webhooks = true, Xero posts POST /webhooks/xero without a Google identity (WebhookFreshnessTests, WebhookReceiverTests)",
        ["google_secret_manager_secret_iam_member.dispatcher_webhook_key"] = "the Dispatcher reads the webhook key only when a webhook arrives, which this run does not send",
        ["google_bigquery_dataset_iam_member.dispatcher_views"] = "POST /runs/{id}/retry loads a manifest whose finalize event never came and then replaces the latest views; in this run the Worker may have loaded every manifest before the retry, so whether the retry loads anything depends on timing",
        ["google_bigquery_dataset_iam_member.dispatcher_typed"] = "as dispatcher_views, for the typed views the same retry replaces",
        ["google_project_iam_member.dispatcher_bigquery_jobs"] = "the load jobs of that retry and of the usage table a run start records; timing decides whether this run's retry loads anything",
        ["google_secret_manager_secret_iam_member.worker_refresh_rotate"] = "the Worker rotates the token when it is the one to find the access token expired; in this short run the Dispatcher (first to call Xero) refreshes and the Worker reads its version (CloudStandardAppTests and CloudChaosTests see Workers refresh)",
    };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Every_call_the_services_make_is_granted_by_terraform_and_every_grant_is_needed_by_one()
    {
        var model = await TerraformCheck.LoadAsync(Token);
        var grants = TerraformGrants.From(model);
        var proxies = new Dictionary<(string Caller, string Api), RecordingProxy>();
        foreach (var caller in new[] { "worker", "dispatcher" })
        {
            foreach (var api in Apis.Values)
            {
                proxies[(caller, api)] = await RecordingProxy.StartAsync(api, caller);
            }
        }

        try
        {
            string[] endpoints = ["Invoices", "Contacts", "Accounts"];
            await using (var cloud = await CloudEnvironment.StartAsync(
                emulators,
                Token,
                // Pages of 10 records, so the Worker publishes further page ranges.
                o => new SimulatorOptions
                {
                    Seed = o.Seed, Tenants = 1, ChangesPerMinute = 0, Scale = 0.1, Clock = o.Clock,
                    Behaviour = new SimulatorBehaviour { PageSizeCap = 10 },
                },
                standardApp: true,
                rewriteVariable: (service, name, value) => Through(proxies, service, name, value)))
            {
                var sync = await cloud.StartRunAsync(Token, endpoints);
                Assert.Equal("complete", await cloud.WaitForStateAsync(sync, TimeSpan.FromMinutes(3), Token, "complete", "partial"));

                // A budget of 2 calls: the probe and one endpoint; the other two are deferred, their manifests written by the Worker
                // preparing the organisation (POST /reconcile only records the run and publishes the preparation).
                var reconcile = await cloud.StartReconcileAsync(endpoints, 2, Token);
                Assert.Equal("partial", await cloud.WaitForStateAsync(reconcile, TimeSpan.FromMinutes(3), Token, "partial", "complete"));
                await cloud.RetryRunAsync(reconcile, Token);
                Assert.Contains(await cloud.WaitForStateAsync(reconcile, TimeSpan.FromMinutes(3), Token, "complete", "partial"), new[] { "complete", "partial" });

                // The next scheduled sync: its POST /run first puts the finished runs' Xero usage into the warehouse (the
                // Dispatcher writes the usage object and starts its load), whatever the retry above found left to load.
                var next = await cloud.StartRunAsync(Token, endpoints);
                Assert.Equal("complete", await cloud.WaitForStateAsync(next, TimeSpan.FromMinutes(3), Token, "complete", "partial"));

                // The monthly tie-out: POST /tie-out publishes the organisation's tie-out; the Worker reads the reports, queries
                // the typed views and inserts each check (one date, two reports) into the raw dataset's tie-out tables.
                var (tieOut, accepted) = await cloud.StartTieOutAsync(new { months = 1 }, Token);
                Assert.True(tieOut == System.Net.HttpStatusCode.Accepted, accepted);
                Assert.True(await cloud.BigQuery.WaitForInsertedAsync("xero_raw.tie_outs", 2, TimeSpan.FromMinutes(3), Token), "the tie-out's two checks were not kept");

                var calls = proxies.Values.SelectMany(p => p.Calls).ToList();
                var names = new Func<string, string, string>((kind, name) => kind switch
                {
                    "bucket" when name == CloudEnvironment.Bucket => "bucket:raw",
                    "topic" when name == cloud.Topic => "topic:fetch_requests",
                    "topic" when name == cloud.DeadLetterTopic => "topic:dead_letter",
                    "secret" when name == cloud.Secrets.SecretName.Split('/')[^1] => "secret:xero_refresh_token",
                    _ => $"unknown {kind} {name}",
                });

                // What the platform does for the services in this run: Pub/Sub pushes to the Worker as the push account,
                // Eventarc delivers the finalize events as its account, the Scheduler calls /run, /reconcile, /tie-out and /webhooks/quiet-check as its own.
                var needed = calls.SelectMany(c => GooglePermissions.For(c, names).Select(p => (c.Caller, Permission: p, Call: c.ToString()))).ToList();
                needed.Add(("push", new RequiredPermission("run.routes.invoke", "service:worker"), "Pub/Sub push to /pubsub"));
                needed.Add(("eventarc", new RequiredPermission("run.routes.invoke", "service:worker"), "Eventarc delivery to /events"));
                needed.Add(("eventarc", new RequiredPermission("eventarc.events.receiveEvent", "project"), "Eventarc delivery to /events"));
                needed.Add(("scheduler", new RequiredPermission("run.routes.invoke", "service:dispatcher"), "Cloud Scheduler POST /run, /reconcile, /tie-out and /webhooks/quiet-check"));

                Assert.Contains(calls, c => c.Caller == "dispatcher" && c.Api == "storage");
                Assert.Contains(calls, c => c.Caller == "worker" && c.Api == "bigquery");
                Assert.Contains(calls, c => c.Caller == "worker" && c.Api == "secretmanager");

                var missing = Uncovered(needed, grants);
                Assert.True(missing.Count == 0, "Calls deploy/terraform does not grant:\n" + string.Join('\n', missing));

                // Least privilege: a grant is needed when removing it leaves some recorded call without its permission.
                var unneeded = grants
                    .Where(g => !NotFromRecordedCalls.ContainsKey(g.Address))
                    .Where(g => Uncovered(needed, [.. grants.Where(other => other != g)]).Count == 0)
                    .Select(g => g.ToString())
                    .ToList();
                Assert.True(unneeded.Count == 0, "Grants no recorded call needs:\n" + string.Join('\n', unneeded));
                Assert.All(NotFromRecordedCalls.Keys, address => Assert.Contains(grants, g => g.Address == address));

                TestContext.Current.SendDiagnosticMessage(
                    $"{calls.Count} Google calls recorded ({string.Join(", ", calls.GroupBy(c => $"{c.Caller}/{c.Api}").Select(g => $"{g.Key} {g.Count()}"))}); {grants.Count} Terraform bindings");
            }
        }
        finally
        {
            foreach (var proxy in proxies.Values)
            {
                await proxy.DisposeAsync();
            }
        }
    }

    private static List<string> Uncovered(IEnumerable<(string Caller, RequiredPermission Permission, string Call)> needed, IReadOnlyList<TerraformGrant> grants) =>
        needed
            .Where(n => !grants.Any(g => g.Identity == n.Caller && g.Covers(n.Permission)))
            .Select(n => $"{n.Caller}: {n.Permission} ({n.Call})")
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>Points one service's emulator host at its own proxy for that API, the proxy at the real host.</summary>
    private static string? Through(Dictionary<(string Caller, string Api), RecordingProxy> proxies, string service, string name, string? value)
    {
        if (value is null || !Apis.TryGetValue(name, out var api))
        {
            return value;
        }

        var proxy = proxies[(service, api)];
        proxy.Upstream = new Uri(value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value + "/");
        return value.Contains("://", StringComparison.Ordinal) ? proxy.BaseUri.ToString() : proxy.BaseUri.Authority;
    }
}
