using System.Text.Json;
using System.Text.RegularExpressions;
using XeroSync.Configuration;
using XeroSync.Webhooks;

namespace XeroSync.Tests;

/// <summary>
/// deploy/terraform against the code it deploys: the environment the services read, the names the code
/// derives from GOOGLE_CLOUD_PROJECT and CLIENT_NAME, the routes, the secrets and the log lines the
/// metrics count. The code side is read from src (its sources, or CloudOptions itself for the derived
/// names), the Terraform side from the parsed .tf files.
/// </summary>
public sealed partial class TerraformCodeCrossCheckTests
{
    private const string Project = "acme-xerosync";
    private const string Client = "acme";

    /// <summary>Variables the services read that Cloud Run must not set, and why.</summary>
    private static readonly Dictionary<string, string> NotForCloudRun = new(StringComparer.Ordinal)
    {
        ["PORT"] = "set by Cloud Run itself",
        ["XERO_API_URL"] = "points at the simulator; production uses Xero's URL",
        ["XERO_IDENTITY_URL"] = "points at the simulator; production uses Xero's URL",
        ["XEROSYNC_FIRESTORE_PREFIX"] = "test isolation; empty in production",
        ["XERO_ATTEMPT_TIMEOUT_SECONDS"] = "optional tuning; unset keeps the documented 60 s per-attempt timeout",
        ["XEROSYNC_RECONCILE_RESERVE_CALLS"] = "optional tuning; unset keeps the documented 1,500 calls a reconcile leaves for incrementals",
        ["XEROSYNC_FULL_REFRESH_DAYS"] = "optional tuning; unset keeps the documented 7 days between full refreshes",
        ["XEROSYNC_MAX_REREADS"] = "optional tuning; unset keeps the documented 2 re-reads",
        ["XEROSYNC_PAGES_PER_MESSAGE"] = "optional tuning; unset keeps the documented 5 pages a message",
        ["XEROSYNC_CHAIN_LENGTH"] = "optional tuning; unset keeps the documented 10 pages a chain",
        ["XEROSYNC_WATERMARK_OVERLAP_SECONDS"] = "optional tuning; unset keeps the documented 300 s overlap",
        ["XEROSYNC_PAGE_LEASE_SECONDS"] = "optional tuning; unset keeps the documented 30 s page lease",
        ["PUBSUB_EMULATOR_HOST"] = "emulator",
        ["FIRESTORE_EMULATOR_HOST"] = "emulator",
        ["STORAGE_EMULATOR_HOST"] = "emulator",
        ["BIGQUERY_EMULATOR_HOST"] = "emulator",
        ["SECRETMANAGER_EMULATOR_HOST"] = "emulator",
    };

    /// <summary>Variables only the Dispatcher's code reads, and why the Worker does not set them.</summary>
    private static readonly Dictionary<string, string> DispatcherOnly = new(StringComparer.Ordinal)
    {
        ["XEROSYNC_WEBHOOK_KEY_SECRET"] = "the webhook receiver is a Dispatcher route (src/Dispatcher); the Worker never checks a webhook signature",
        ["XEROSYNC_WEBHOOK_QUIET_FACTOR"] = "the quiet check is a Dispatcher route (POST /webhooks/quiet-check); the Worker never decides what is quiet",
        ["XEROSYNC_WEBHOOK_QUIET_FLOOR_MINUTES"] = "the quiet check is a Dispatcher route (POST /webhooks/quiet-check); the Worker never decides what is quiet",
        ["XEROSYNC_WEBHOOK_QUIET_MIN_GAPS"] = "the quiet check is a Dispatcher route (POST /webhooks/quiet-check); the Worker never decides what is quiet",
    };

    private static readonly string[] Services = ["dispatcher", "worker"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task Every_variable_the_services_read_is_set_on_both_services_and_nothing_else_is()
    {
        var model = await LoadAsync();
        var read = VariablesReadByServices();
        Assert.Contains("GOOGLE_CLOUD_PROJECT", read);
        Assert.Contains("XEROSYNC_REFRESH_TOKEN_SECRET", read);

        foreach (var service in Services)
        {
            var set = Env(model, service).Keys.ToHashSet(StringComparer.Ordinal);
            var missing = read.Where(v => !NotForCloudRun.ContainsKey(v) && !(service == "worker" && DispatcherOnly.ContainsKey(v)) && !set.Contains(v)).ToList();
            var unknown = set.Where(v => !read.Contains(v) || (service == "worker" && DispatcherOnly.ContainsKey(v))).ToList();
            Assert.True(missing.Count == 0, $"{service} does not set {string.Join(", ", missing)}");
            Assert.True(unknown.Count == 0, $"{service} sets {string.Join(", ", unknown)}, which no service code reads");
            Assert.DoesNotContain(set, v => NotForCloudRun.ContainsKey(v));
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task The_services_environment_passes_the_codes_validation_and_names_the_terraform_resources()
    {
        var model = await LoadAsync();

        foreach (var service in Services)
        {
            var env = Env(model, service).ToDictionary(e => e.Key, e => e.Value.Plain is { } plain ? model.Evaluate(plain) : null, StringComparer.Ordinal);
            var options = CloudOptions.FromEnvironment(name => env.GetValueOrDefault(name));

            Assert.Equal(Project, options.ProjectId);
            Assert.Equal(Client, options.ClientName);
            Assert.Equal(model.Value(model.Resource("google_storage_bucket", "raw"), "name"), options.Bucket);
            Assert.Equal(model.Value(model.Resource("google_pubsub_topic", "fetch_requests"), "name"), options.Topic);
            Assert.Equal(model.Value(model.Resource("google_bigquery_dataset", "raw"), "dataset_id"), options.RawDataset);
            Assert.Equal(model.Value(model.Resource("google_bigquery_dataset", "views"), "dataset_id"), options.ViewDataset);
            Assert.Equal(model.Value(model.Resource("google_bigquery_dataset", "raw"), "location"), options.Location);
            Assert.Equal(model.Value(model.Resource("google_pubsub_subscription", "worker"), "ack_deadline_seconds"), options.PushDeadline.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // The Worker's request timeout is the push deadline too: a request must not outlive its ack deadline.
        var template = TerraformModel.Block(model.Resource("google_cloud_run_v2_service", "worker"), "template");
        Assert.Equal(model.Value(model.Resource("google_pubsub_subscription", "worker"), "ack_deadline_seconds") + "s", model.Value(template, "timeout"));
    }

    [Fact(Timeout = 120_000)]
    public async Task The_quiet_settings_reach_the_dispatcher_from_their_variables_as_the_code_reads_them()
    {
        // Terraform's defaults are the code's: unset and Terraform's defaults read the same.
        var model = await LoadAsync();
        var defaults = WebhookOptions.FromEnvironment(QuietEnvironment(model), new WebhookOptions());
        var unset = WebhookOptions.FromEnvironment(_ => null, new WebhookOptions());
        Assert.Equal((unset.QuietFactor, unset.QuietFloor, unset.QuietMinGaps), (defaults.QuietFactor, defaults.QuietFloor, defaults.QuietMinGaps));

        // A value given to each variable is the one the Dispatcher reads from its variable.
        model = (await LoadAsync())
            .With("var.webhook_quiet_factor", "2.5")
            .With("var.webhook_quiet_floor_minutes", "45")
            .With("var.webhook_quiet_min_gaps", "7");
        var given = WebhookOptions.FromEnvironment(QuietEnvironment(model), new WebhookOptions());
        Assert.Equal(2.5, given.QuietFactor);
        Assert.Equal(TimeSpan.FromMinutes(45), given.QuietFloor);
        Assert.Equal(7, given.QuietMinGaps);
    }

    [Fact(Timeout = 120_000)]
    public async Task Terraform_names_are_the_codes_defaults_for_the_project_and_client()
    {
        var model = await LoadAsync();

        // What the code derives when only the two required variables are set.
        var defaults = CloudOptions.FromEnvironment(name => name switch
        {
            "GOOGLE_CLOUD_PROJECT" => Project,
            "CLIENT_NAME" => Client,
            _ => null,
        });

        Assert.Equal(defaults.Bucket, model.Value(model.Resource("google_storage_bucket", "raw"), "name"));
        Assert.Equal(defaults.Topic, model.Value(model.Resource("google_pubsub_topic", "fetch_requests"), "name"));
        Assert.Equal(defaults.RawDataset, model.Value(model.Resource("google_bigquery_dataset", "raw"), "dataset_id"));
        Assert.Equal(defaults.ViewDataset, model.Value(model.Resource("google_bigquery_dataset", "views"), "dataset_id"));
        Assert.Equal(defaults.PushDeadline.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), model.Value(model.Resource("google_pubsub_subscription", "worker"), "ack_deadline_seconds"));
        Assert.Equal(defaults.Location, model.Value(model.Resource("google_bigquery_dataset", "raw"), "location"));

        // Both subscriptions read the topics Terraform creates, and the push subscription dead-letters to the dead-letter topic.
        Assert.Equal("${google_pubsub_topic.fetch_requests.id}", TerraformModel.Raw(model.Resource("google_pubsub_subscription", "worker"), "topic"));
        Assert.Equal("${google_pubsub_topic.dead_letter.id}", TerraformModel.Raw(model.Resource("google_pubsub_subscription", "dead_letter_worker"), "topic"));
        Assert.Equal("${google_pubsub_topic.dead_letter.id}", TerraformModel.Raw(TerraformModel.Block(model.Resource("google_pubsub_subscription", "worker"), "dead_letter_policy"), "dead_letter_topic"));
    }

    [Fact(Timeout = 120_000)]
    public async Task Pushes_events_schedules_and_probes_go_to_routes_the_services_map()
    {
        var model = await LoadAsync();
        var workerRoutes = Routes("src/Worker");
        var dispatcherRoutes = Routes("src/Dispatcher");
        var workerUrl = $"https://{Client}-worker-123456789012.europe-west1.run.app";

        foreach (var name in new[] { "worker", "dead_letter_worker" })
        {
            var push = TerraformModel.Block(model.Resource("google_pubsub_subscription", name), "push_config");
            var endpoint = model.Value(push, "push_endpoint");
            Assert.Equal(workerUrl + "/pubsub", endpoint);
            Assert.Contains("POST /pubsub", workerRoutes);
            Assert.Equal(workerUrl, model.Value(TerraformModel.Block(push, "oidc_token"), "audience"));
            Assert.Equal("${google_service_account.push.email}", TerraformModel.Raw(TerraformModel.Block(push, "oidc_token"), "service_account_email"));
        }

        var trigger = model.Resource("google_eventarc_trigger", "object_finalized");
        var destination = TerraformModel.Block(TerraformModel.Block(trigger, "destination"), "cloud_run_service");
        Assert.Equal("/events", model.Value(destination, "path"));
        Assert.Contains("POST /events", workerRoutes);
        Assert.Equal("${google_cloud_run_v2_service.worker.name}", TerraformModel.Raw(destination, "service"));
        var criteria = TerraformModel.Blocks(trigger, "matching_criteria").ToDictionary(c => model.Value(c, "attribute")!, c => TerraformModel.Raw(c, "value"));
        Assert.Equal("google.cloud.storage.object.v1.finalized", criteria["type"]);
        Assert.Equal("${google_storage_bucket.raw.name}", criteria["bucket"]);

        var http = TerraformModel.Block(model.Resource("google_cloud_scheduler_job", "run"), "http_target");
        Assert.Equal("${google_cloud_run_v2_service.dispatcher.uri}/run", TerraformModel.Raw(http, "uri"));
        Assert.Equal("POST", model.Value(http, "http_method"));
        Assert.Contains("POST /run", dispatcherRoutes);
        Assert.Equal("${google_service_account.scheduler.email}", TerraformModel.Raw(TerraformModel.Block(http, "oidc_token"), "service_account_email"));

        var reconcile = TerraformModel.Block(model.Resource("google_cloud_scheduler_job", "reconcile"), "http_target");
        Assert.Equal("${google_cloud_run_v2_service.dispatcher.uri}/reconcile", TerraformModel.Raw(reconcile, "uri"));
        Assert.Equal("POST", model.Value(reconcile, "http_method"));
        Assert.Contains("POST /reconcile", dispatcherRoutes);
        Assert.Equal("${google_service_account.scheduler.email}", TerraformModel.Raw(TerraformModel.Block(reconcile, "oidc_token"), "service_account_email"));

        var tieOut = TerraformModel.Block(model.Resource("google_cloud_scheduler_job", "tie_out"), "http_target");
        Assert.Equal("${google_cloud_run_v2_service.dispatcher.uri}/tie-out", TerraformModel.Raw(tieOut, "uri"));
        Assert.Equal("POST", model.Value(tieOut, "http_method"));
        Assert.Contains("POST /tie-out", dispatcherRoutes);
        Assert.Equal("${google_service_account.scheduler.email}", TerraformModel.Raw(TerraformModel.Block(tieOut, "oidc_token"), "service_account_email"));

        var quiet = TerraformModel.Block(model.Resource("google_cloud_scheduler_job", "webhook_quiet_check"), "http_target");
        Assert.Equal("${google_cloud_run_v2_service.dispatcher.uri}/webhooks/quiet-check", TerraformModel.Raw(quiet, "uri"));
        Assert.Equal("POST", model.Value(quiet, "http_method"));
        Assert.Contains("POST /webhooks/quiet-check", dispatcherRoutes);
        Assert.Equal("${google_service_account.scheduler.email}", TerraformModel.Raw(TerraformModel.Block(quiet, "oidc_token"), "service_account_email"));

        foreach (var (service, routes) in new[] { ("dispatcher", dispatcherRoutes), ("worker", workerRoutes) })
        {
            var container = Container(model, service);
            foreach (var probe in new[] { "startup_probe", "liveness_probe" })
            {
                var path = model.Value(TerraformModel.Block(TerraformModel.Block(container, probe), "http_get"), "path");
                Assert.Equal("/healthz", path);
            }

            Assert.Contains("HEALTH /healthz", routes);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Secrets_reach_the_services_by_reference_and_each_service_may_read_exactly_what_it_uses()
    {
        var model = await LoadAsync();
        var grants = model.Resources["google_secret_manager_secret_iam_member"].Values
            .Select(g => (Secret: TerraformModel.Raw(g, "secret_id"), Role: TerraformModel.Raw(g, "role"), Member: TerraformModel.Raw(g, "member")))
            .ToList();

        foreach (var service in Services)
        {
            var member = $"${{google_service_account.{service}.member}}";
            var env = Env(model, service);
            foreach (var name in new[] { "XERO_CLIENT_ID", "XERO_CLIENT_SECRET" })
            {
                Assert.Null(env[name].Plain);
                var secret = env[name].Secret;
                Assert.NotNull(secret);
                Assert.Matches(@"^\$\{google_secret_manager_secret\.[a-z_]+\.secret_id\}$", secret);
                Assert.Contains((secret, "roles/secretmanager.secretAccessor", member), grants);
            }

            // The refresh token is read and rotated through the API: its secret is named, never mounted.
            var refresh = env["XEROSYNC_REFRESH_TOKEN_SECRET"];
            Assert.Null(refresh.Secret);
            Assert.Equal($"projects/{Project}/secrets/{model.Value(model.Resource("google_secret_manager_secret", "xero_refresh_token"), "secret_id")}", model.Evaluate(refresh.Plain!));
            foreach (var role in new[] { "roles/secretmanager.secretAccessor", "roles/secretmanager.secretVersionManager" })
            {
                Assert.Contains(("${google_secret_manager_secret.xero_refresh_token[0].secret_id}", role, member), grants);
            }

            // The Dispatcher reads the webhook key through the API too: named, never mounted.
            var webhookKey = "${google_secret_manager_secret.xero_webhook_key.secret_id}";
            if (service == "dispatcher")
            {
                Assert.Null(env["XEROSYNC_WEBHOOK_KEY_SECRET"].Secret);
                Assert.Equal($"projects/{Project}/secrets/{model.Value(model.Resource("google_secret_manager_secret", "xero_webhook_key"), "secret_id")}", model.Evaluate(env["XEROSYNC_WEBHOOK_KEY_SECRET"].Plain!));
                Assert.Contains((webhookKey, "roles/secretmanager.secretAccessor", member), grants);
            }

            // No grant to this service on a secret it does not use.
            var used = env.Values.Select(e => e.Secret).OfType<string>().Append("${google_secret_manager_secret.xero_refresh_token[0].secret_id}")
                .Concat(service == "dispatcher" ? [webhookKey] : []).ToHashSet(StringComparer.Ordinal);
            Assert.All(grants.Where(g => g.Member == member), g => Assert.True(g.Secret is not null && used.Contains(g.Secret), $"{service} may read {g.Secret}, which it does not use"));
        }

        // A custom connection has no refresh token: the variable is empty, which the code reads as "use client_credentials".
        model.With("var.connection_type", "custom");
        Assert.Equal(string.Empty, model.Evaluate(Env(model, "worker")["XEROSYNC_REFRESH_TOKEN_SECRET"].Plain!));
    }

    [Fact(Timeout = 120_000)]
    public async Task Every_secret_version_is_replaced_create_before_destroy()
    {
        // Terraform destroys before it creates unless told otherwise: the secret would have no enabled
        // version ("latest" fails for an instance starting in between) until the new one exists.
        var model = await LoadAsync();
        var versions = model.Resources.TryGetValue("google_secret_manager_secret_version", out var found) ? found : [];

        Assert.NotEmpty(versions);
        Assert.All(versions, v => Assert.True(
            v.Value.TryGetProperty("lifecycle", out var lifecycle)
                && lifecycle.EnumerateArray().Any(l => l.TryGetProperty("create_before_destroy", out var cbd) && cbd.ValueKind == JsonValueKind.True),
            $"google_secret_manager_secret_version.{v.Key} lacks lifecycle {{ create_before_destroy = true }}"));
    }

    [Fact(Timeout = 120_000)]
    public async Task No_service_account_has_a_primitive_role()
    {
        var model = await LoadAsync();
        var roles = model.Resources
            .Where(r => r.Key.EndsWith("_iam_member", StringComparison.Ordinal))
            .SelectMany(r => r.Value.Values)
            .Select(g => TerraformModel.Raw(g, "role"))
            .ToList();

        Assert.NotEmpty(roles);
        Assert.DoesNotContain(roles, r => r is "roles/owner" or "roles/editor" or "roles/viewer");
    }

    [Fact(Timeout = 120_000)]
    public async Task Log_metrics_count_log_lines_the_code_writes()
    {
        var model = await LoadAsync();
        var messages = LoggerMessages();
        var metrics = model.Resources["google_logging_metric"];
        Assert.Equal(["dead_lettered", "deferred_daily_limit", "invalid_grant", "partial_loads", "scheduler_failures", "webhook_slow_landings"], metrics.Keys.Order(StringComparer.Ordinal));

        // Cloud Scheduler's own attempt log, not a line of the services: it names every Scheduler job the deployment
        // declares (the sync's, the reconcile's, the tie-out's and the webhook quiet check's, which exists only with webhooks = true and
        // is therefore named through its splat: none without webhooks).
        var scheduler = TerraformModel.Raw(metrics["scheduler_failures"], "filter")!;
        Assert.Contains("resource.type=\"cloud_scheduler_job\"", scheduler, StringComparison.Ordinal);
        Assert.Contains("resource.labels.job_id=(${join(\" OR \", formatlist(\"\\\"%s\\\"\", local.scheduler_jobs))})", scheduler, StringComparison.Ordinal);
        var jobs = model.Local("scheduler_jobs").GetString()!;
        var declared = model.Resources["google_cloud_scheduler_job"];
        Assert.Superset(new HashSet<string>(["run", "reconcile", "tie_out", "webhook_quiet_check"], StringComparer.Ordinal), declared.Keys.ToHashSet(StringComparer.Ordinal));
        foreach (var (name, job) in declared)
        {
            var reference = job.TryGetProperty("count", out _) ? $"google_cloud_scheduler_job.{name}[*].name" : $"google_cloud_scheduler_job.{name}.name";
            Assert.Contains(reference, jobs, StringComparison.Ordinal);
        }

        foreach (var (name, metric) in metrics.Where(m => m.Key != "scheduler_failures"))
        {
            var filter = TerraformModel.Raw(metric, "filter")!;
            var eventId = int.Parse(EventIdFilter().Match(filter).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(messages.TryGetValue(eventId, out var message), $"metric {name} counts event {eventId}, which no LoggerMessage writes");

            // Every jsonPayload field it reads is a placeholder of that message (the formatter camel-cases them).
            var fields = JsonPayloadField().Matches(filter + " " + TerraformModel.Raw(metric, "label_extractors"))
                .Select(m => m.Groups[1].Value)
                .Where(f => f != "event_id")
                .ToList();
            var placeholders = Placeholder().Matches(message).Select(m => char.ToLowerInvariant(m.Groups[1].Value[0]) + m.Groups[1].Value[1..]).ToHashSet(StringComparer.Ordinal);
            Assert.All(fields, f => Assert.Contains(f, placeholders));
        }

        // One alert policy per entry of local.alerts (for_each), its condition's filter taken from the entry.
        var policy = model.Resource("google_monitoring_alert_policy", "alerts");
        Assert.Equal("${local.alerts}", TerraformModel.Raw(policy, "for_each"));
        Assert.Equal("${each.value.filter}", TerraformModel.Raw(TerraformModel.Block(TerraformModel.Block(policy, "conditions"), "condition_threshold"), "filter"));
        var alerted = model.Local("alerts").EnumerateObject().Select(a => TerraformModel.Raw(a.Value, "filter")).ToList();
        foreach (var name in metrics.Keys)
        {
            Assert.Contains(alerted, f => f!.Contains($"${{google_logging_metric.{name}.name}}", StringComparison.Ordinal));
        }
    }

    private static async Task<TerraformModel> LoadAsync()
    {
        var model = await TerraformCheck.LoadAsync(Ct);
        return model
            .With("var.project", Project)
            .With("var.client_name", Client)
            .With("data.google_project.this.number", "123456789012");
    }

    private static JsonElement Container(TerraformModel model, string service) =>
        TerraformModel.Block(TerraformModel.Block(model.Resource("google_cloud_run_v2_service", service), "template"), "containers");

    /// <summary>The Dispatcher's quiet settings as Terraform sets them, evaluated; every other variable unset.</summary>
    private static Func<string, string?> QuietEnvironment(TerraformModel model)
    {
        var env = Env(model, "dispatcher");
        var quiet = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in new[] { "XEROSYNC_WEBHOOK_QUIET_FACTOR", "XEROSYNC_WEBHOOK_QUIET_FLOOR_MINUTES", "XEROSYNC_WEBHOOK_QUIET_MIN_GAPS" })
        {
            Assert.True(env.TryGetValue(name, out var value), $"the Dispatcher does not set {name}");
            var evaluated = model.Evaluate(value.Plain!);
            Assert.False(string.IsNullOrEmpty(evaluated), $"{name} = {value.Plain} does not evaluate");
            quiet[name] = evaluated;
        }

        return name => quiet.GetValueOrDefault(name);
    }

    private static Dictionary<string, (string? Plain, string? Secret)> Env(TerraformModel model, string service)
    {
        var result = new Dictionary<string, (string? Plain, string? Secret)>(StringComparer.Ordinal);
        foreach (var env in TerraformModel.Blocks(Container(model, service), "env"))
        {
            var name = TerraformModel.Raw(env, "name")!;
            var secret = TerraformModel.Blocks(env, "value_source").SelectMany(v => TerraformModel.Blocks(v, "secret_key_ref")).FirstOrDefault();
            Assert.False(result.ContainsKey(name), $"{service} sets {name} twice");
            result[name] = (TerraformModel.Raw(env, "value"), secret.ValueKind == JsonValueKind.Object ? TerraformModel.Raw(secret, "secret") : null);
        }

        return result;
    }

    /// <summary>Environment variables read by the code the two services run (src/Shared, src/Worker, src/Dispatcher).</summary>
    private static HashSet<string> VariablesReadByServices()
    {
        var read = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in ServiceSources())
        {
            var text = File.ReadAllText(file);
            foreach (Match match in EnvironmentRead().Matches(text))
            {
                read.Add(match.Groups[1].Value);
            }

            foreach (Match match in EmulatorVariable().Matches(text))
            {
                read.Add(match.Groups[1].Value);
            }

            // Read through a named constant (WebhookOptions.QuietFactorVariable, ...).
            foreach (Match match in VariableConstant().Matches(text))
            {
                read.Add(match.Groups[1].Value);
            }
        }

        return read;
    }

    private static IEnumerable<string> ServiceSources()
    {
        var root = RepositoryPaths.Root;
        var files = Directory.EnumerateFiles(Path.Combine(root, "src", "Shared"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src", "Worker"), "*.cs", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src", "Dispatcher"), "*.cs", SearchOption.AllDirectories));
        return files.Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    /// <summary>"POST /pubsub", "HEALTH /healthz", ... for the Map* calls in a project's sources.</summary>
    private static HashSet<string> Routes(string project)
    {
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, project), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match match in RouteMapping().Matches(File.ReadAllText(file)))
            {
                var verb = match.Groups[1].Value == "HealthChecks" ? "HEALTH" : match.Groups[1].Value.ToUpperInvariant();
                routes.Add($"{verb} {match.Groups[2].Value}");
            }
        }

        return routes;
    }

    /// <summary>EventId -> message template of every LoggerMessage in the services' sources.</summary>
    private static Dictionary<int, string> LoggerMessages()
    {
        var messages = new Dictionary<int, string>();
        foreach (var file in ServiceSources())
        {
            foreach (Match match in LoggerMessage().Matches(File.ReadAllText(file)))
            {
                messages[int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)] = match.Groups[2].Value;
            }
        }

        return messages;
    }

    [GeneratedRegex(@"(?:environment|Required|Optional|GetEnvironmentVariable)\(\s*""([A-Z][A-Z0-9_]+)""")]
    private static partial Regex EnvironmentRead();

    [GeneratedRegex(@"""([A-Z]+_EMULATOR_HOST)""")]
    private static partial Regex EmulatorVariable();

    [GeneratedRegex(@"const string [A-Za-z]+Variable = ""([A-Z][A-Z0-9_]+)""")]
    private static partial Regex VariableConstant();

    [GeneratedRegex(@"\.Map(Get|Post|Put|Delete|HealthChecks)\(\s*""(/[^""]*)""")]
    private static partial Regex RouteMapping();

    [GeneratedRegex(@"LoggerMessage\(EventId = (\d+),[^)]*?Message = ""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LoggerMessage();

    [GeneratedRegex(@"jsonPayload\.event_id=(\d+)")]
    private static partial Regex EventIdFilter();

    [GeneratedRegex(@"jsonPayload\.([A-Za-z_]+)")]
    private static partial Regex JsonPayloadField();

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex Placeholder();
}
