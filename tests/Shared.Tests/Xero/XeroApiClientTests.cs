using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Ledger.Local;
using XeroSync.RateLimiting;
using XeroSync.Xero;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Xero;

public sealed class XeroApiClientTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Minute_429_backs_off_through_the_limiter_and_then_reads_the_page()
    {
        await using var h = await XeroClientHarness.StartAsync(o => new SimulatorOptions { Clock = o.Clock, Tenants = 1, Scale = o.Scale, CreatedAt = o.CreatedAt, ChangesPerMinute = 0, PerMinuteLimit = 2 });
        // Neither call waits on the clock: the fake clock stands still, so both land in the same minute window.
        using (await h.Client.GetPageAsync(h.Query("Accounts"), Token))
        using (await h.Client.GetPageAsync(h.Query("Currencies"), Token))
        {
        }

        // A second process whose limiter has not seen this minute's calls: Xero rejects, it backs off, it reads.
        await using var other = h.WithFreshLimiter();
        using (var page = await other.DriveThroughRejectionAsync(h.Query("Items")))
        {
            Assert.Equal(1, page.Throttles);
            Assert.Equal(2, page.Calls);
        }

        Assert.Equal(1, h.State.Throttled(h.Tenant(), "minute"));
        var rejected = h.State.Requests.Single(r => r.StatusCode == 429);
        var retried = h.State.Requests[^1];
        Assert.Equal(200, retried.StatusCode);
        Assert.True(retried.Time > rejected.Time, "the retry came after the minute window reset");
    }

    [Fact(Timeout = 60_000)]
    public async Task Day_429_is_rate_limited_day_then_the_limiter_denies()
    {
        await using var h = await XeroClientHarness.StartAsync(o => new SimulatorOptions { Clock = o.Clock, Tenants = 1, Scale = o.Scale, CreatedAt = o.CreatedAt, ChangesPerMinute = 0, DailyLimit = 2 }, l => l.PerDay = 5000);

        // The limiter's local countdown from X-DayLimit-Remaining stops the third call before Xero sees it.
        using (await h.Client.GetPageAsync(h.Query("Accounts"), Token))
        using (await h.Client.GetPageAsync(h.Query("Currencies"), Token))
        {
        }

        var denied = await Assert.ThrowsAsync<XeroApiException>(() => h.Client.GetPageAsync(h.Query("Items"), Token));
        Assert.Equal(XeroFailure.DayLimitReached, denied.Failure);
        Assert.NotNull(denied.RetryAt);
        Assert.Equal(2, h.State.ApiCalls(h.Tenant()));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_day_429_from_xero_with_a_far_reset_defers_the_tenant_after_that_one_call()
    {
        await using var h = await XeroClientHarness.StartAsync(o => new SimulatorOptions { Clock = o.Clock, Tenants = 1, Scale = o.Scale, CreatedAt = o.CreatedAt, ChangesPerMinute = 0, DailyLimit = 1 });

        // Another process spent the budget: this limiter has seen no headers yet.
        using (await h.Client.GetPageAsync(h.Query("Accounts"), Token))
        {
        }

        await using var fresh = h.WithFreshLimiter();
        var ex = await Assert.ThrowsAsync<XeroApiException>(() => fresh.Client.GetPageAsync(h.Query("Items"), Token));
        Assert.Equal(XeroFailure.DayLimitReached, ex.Failure);

        // The simulator's day is the calendar day: its reset is hours away, far past a minute's wait.
        Assert.True(ex.RetryAt > h.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), $"retry at {ex.RetryAt}");
        Assert.Equal(1, h.State.Throttled(h.Tenant(), "day"));
        Assert.Equal(2, h.State.ApiCalls(h.Tenant()) + h.State.Throttled(h.Tenant()));
        Assert.Equal(1, ex.Usage?.Calls);
    }

    /// <summary>
    /// Xero's day is a rolling 24 hours, so a day 429's Retry-After may be seconds: the page waits for it (as for a minute
    /// 429) and arrives, one call after the 429 and not before its Retry-After has passed.
    /// </summary>
    [Fact(Timeout = 60_000)]
    public async Task A_day_429_from_xero_with_a_reset_seconds_away_is_waited_out_and_the_page_arrives()
    {
        var retryAfter = TimeSpan.FromSeconds(20);
        await using var h = await XeroClientHarness.StartAsync(o => new SimulatorOptions
        {
            Clock = o.Clock, Tenants = 1, Scale = o.Scale, CreatedAt = o.CreatedAt, ChangesPerMinute = 0,
            Faults = new SimulatorFaults { DayThrottleAtCall = 1, DayRetryAfter = retryAfter },
        });

        using var page = await h.DriveThroughRejectionAsync(h.Query("Items"));
        Assert.Equal(1, page.Throttles);
        var log = h.State.Requests.Where(r => r.TenantId == h.Tenant()).ToList();
        Assert.Equal([429, 200], log.Select(r => r.StatusCode));
        Assert.Equal("day", log[0].Problem);
        Assert.True(log[1].Time - log[0].Time >= retryAfter, $"called again {log[1].Time - log[0].Time} after the day 429");
    }

    [Fact(Timeout = 60_000)]
    public async Task Concurrent_429_backs_off_briefly_and_both_pages_arrive()
    {
        await using var h = await XeroClientHarness.StartAsync(o => new SimulatorOptions { Clock = o.Clock, Tenants = 1, Scale = o.Scale, CreatedAt = o.CreatedAt, ChangesPerMinute = 0, ConcurrentLimit = 1 });
        using (await h.Client.GetPageAsync(h.Query("Accounts"), Token))
        {
            // Token fetched; the next call hangs in the simulator until the fake clock moves.
        }

        h.State.SetFaults(new SimulatorFaults { SlowRate = 1, SlowLatency = TimeSpan.FromSeconds(5) });
        var slow = h.Client.GetPageAsync(h.Query("Items"), Token);

        // The simulator has accepted the call once it parks the slow answer on the clock.
        await h.NextWaitAsync();

        Assert.Equal(2, h.State.ApiCalls(h.Tenant()));
        h.State.SetFaults(SimulatorFaults.None);
        using (var page = await h.DriveAsync(h.Query("Currencies")))
        {
            Assert.True(page.Throttles >= 1);
        }

        using (await slow.WaitAsync(TimeSpan.FromSeconds(10), Token))
        {
        }

        Assert.True(h.State.Throttled(h.Tenant(), "concurrent") >= 1);
        Assert.Equal(1, h.State.MaxConcurrency(h.Tenant()));
    }

    [Fact(Timeout = 60_000)]
    public async Task App_minute_429_backs_off_and_then_reads_the_page()
    {
        await using var h = await XeroClientHarness.StartAsync(o => new SimulatorOptions { Clock = o.Clock, Tenants = 2, Scale = o.Scale, CreatedAt = o.CreatedAt, ChangesPerMinute = 0, AppPerMinuteLimit = 2 });
        using (await h.Client.GetPageAsync(h.Query("Accounts", tenant: 0), Token))
        using (await h.Client.GetPageAsync(h.Query("Currencies", tenant: 0), Token))
        {
        }

        await using var other = h.WithFreshLimiter();
        using (var page = await other.DriveThroughRejectionAsync(h.Query("Items", tenant: 1)))
        {
            Assert.True(page.Throttles >= 1);
        }

        Assert.True(h.State.Throttled(h.Tenant(1), "appminute") >= 1);
    }

    [Fact(Timeout = 60_000)]
    public async Task Server_errors_are_retried_until_success()
    {
        await using var h = await XeroClientHarness.StartAsync();
        h.State.SetFaults(new SimulatorFaults { ServerErrorRate = 0.5 });
        foreach (var endpoint in new[] { "Accounts", "Currencies", "Items", "TaxRates", "Users", "Receipts" })
        {
            using var page = await h.Client.GetPageAsync(h.Query(endpoint), Token);
            Assert.Equal(h.State.Count(h.Tenant(), endpoint), page.Count);
        }

        var requests = h.State.Requests.Where(r => r.Endpoint != "connections").ToList();
        Assert.Contains(requests, r => r.Problem == "fault:503");
        Assert.Contains(requests, r => r.Problem == "fault:500");
        Assert.Equal(6, requests.Count(r => r.StatusCode == 200));
    }

    [Fact(Timeout = 60_000)]
    public async Task Plain_text_503_is_transient_with_its_text_as_detail()
    {
        await using var h = await XeroClientHarness.StartAsync(maxRetries: 2);
        h.State.SetFaults(new SimulatorFaults { ServerErrorRate = 1 });
        var ex = await Assert.ThrowsAsync<XeroApiException>(() => h.Client.GetPageAsync(h.Query("Accounts"), Token));
        Assert.Equal(XeroFailure.Transient, ex.Failure);
        Assert.Equal(3, h.State.Requests.Count);
        if (ex.StatusCode == 503)
        {
            Assert.Equal("The service is currently unavailable", ex.Detail);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Truncated_bodies_are_retried()
    {
        await using var h = await XeroClientHarness.StartAsync();
        h.State.SetFaults(new SimulatorFaults { TruncateRate = 0.5 });
        foreach (var endpoint in new[] { "Accounts", "Currencies", "Items", "TaxRates", "Contacts", "Invoices" })
        {
            using var page = await h.Client.GetPageAsync(h.Query(endpoint), Token);
            Assert.Equal(Math.Min(1000, h.State.Count(h.Tenant(), endpoint)), page.Count);
        }

        Assert.Contains(h.State.Requests, r => r.Problem == "fault:truncate");
    }

    [Fact(Timeout = 60_000)]
    public async Task Forbidden_and_not_found_are_never_retried()
    {
        await using var h = await XeroClientHarness.StartAsync();
        var forbidden = await Assert.ThrowsAsync<XeroApiException>(() => h.Client.GetPageAsync(h.Query("Accounts") with { TenantId = Guid.NewGuid().ToString() }, Token));
        Assert.Equal(XeroFailure.AccessDenied, forbidden.Failure);
        Assert.Equal(403, forbidden.StatusCode);
        Assert.Single(h.State.Requests);

        var unknown = new XeroEndpoint("Nonexistent", "nonexistent", "Nonexistent", "ID", PagingStyle.None, 0, false, null);
        var notFound = await Assert.ThrowsAsync<XeroApiException>(() => h.Client.GetPageAsync(h.Query("Accounts") with { Endpoint = unknown }, Token));
        Assert.Equal(XeroFailure.BadRequest, notFound.Failure);
        Assert.Equal(404, notFound.StatusCode);
        Assert.Equal(2, h.State.Requests.Count);
        Assert.Equal(1, h.State.ClientCredentialsTokenCalls);
    }

    [Fact(Timeout = 60_000)]
    public async Task Bad_request_is_never_retried()
    {
        var handler = new StubHandler(_ => StubHandler.Json(HttpStatusCode.BadRequest, """{"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred"}"""));
        using var http = new HttpClient(handler);
        var time = new FakeTimeProvider(XeroClientHarness.Start);
        using var state = new TempDirectory();
        using var limiter = new InProcessRateLimiter(Options.Create(new RateLimitOptions()), SqliteStateDatabase.InFolder(state.Path), time, NullLogger<InProcessRateLimiter>.Instance);
        var client = new XeroApiClient(http, new StaticTokens(), limiter, Options.Create(new XeroOptions { ApiUrl = new Uri("http://127.0.0.1/"), RetryBaseDelay = TimeSpan.Zero }), time, NullLogger<XeroApiClient>.Instance);
        var ex = await Assert.ThrowsAsync<XeroApiException>(() => client.GetPageAsync(new PageQuery("tenant-1", EndpointCatalog.Get("Invoices"), 1, null, null, null), Token));
        Assert.Equal(XeroFailure.BadRequest, ex.Failure);
        Assert.Equal("A validation exception occurred", ex.Detail);
        Assert.Single(handler.Requests);
    }

    [Fact(Timeout = 60_000)]
    public async Task Revoked_token_is_refreshed_once_and_the_call_retried()
    {
        await using var h = await XeroClientHarness.StartAsync();
        using (await h.Client.GetPageAsync(h.Query("Accounts"), Token))
        {
        }

        h.State.RevokeTokens();
        using (var page = await h.Client.GetPageAsync(h.Query("Items"), Token))
        {
            Assert.Equal(h.State.Count(h.Tenant(), "Items"), page.Count);
        }

        Assert.Equal(2, h.State.ClientCredentialsTokenCalls);
        Assert.Equal([200, 401, 200], h.State.Requests.Select(r => r.StatusCode).ToArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Journals_without_entitlement_is_a_missing_scope_without_a_refresh_loop()
    {
        // Xero answers 401 AuthorizationUnsuccessful where the app may not read Journals: accounting.journals.read is not granted.
        await using var h = await XeroClientHarness.StartAsync(o => new SimulatorOptions { Clock = o.Clock, Tenants = 2, Scale = o.Scale, CreatedAt = o.CreatedAt, ChangesPerMinute = 0, TenantsWithoutJournals = [1] });
        var ex = await Assert.ThrowsAsync<XeroApiException>(() => h.Client.GetPageAsync(h.Query("Journals", tenant: 1) with { Offset = 0 }, Token));
        Assert.Equal(XeroFailure.ScopeNotGranted, ex.Failure);
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("accounting.journals.read", ex.Detail);
        Assert.Equal(1, h.State.ClientCredentialsTokenCalls);
        Assert.Single(h.State.Requests, r => r.Endpoint == "Journals");

        using var entitled = await h.Client.GetPageAsync(h.Query("Journals", tenant: 0), Token);
        Assert.True(entitled.Count > 0);
    }

    [Fact(Timeout = 60_000)]
    public async Task Request_shape_if_modified_since_page_size_and_include_archived()
    {
        await using var h = await XeroClientHarness.StartAsync();
        var since = new DateTimeOffset(2026, 11, 2, 10, 55, 7, 456, TimeSpan.FromHours(2));
        using (await h.Client.GetPageAsync(h.Query("Invoices", since: since), Token))
        using (await h.Client.GetPageAsync(h.Query("Contacts", page: 2), Token))
        using (await h.Client.GetPageAsync(h.Query("Quotes"), Token))
        using (await h.Client.GetPageAsync(h.Query("TaxRates", since: since), Token))
        using (await h.Client.GetPageAsync(h.Query("Journals") with { Offset = 17 }, Token))
        {
        }

        var requests = h.State.Requests.ToDictionary(r => r.Endpoint!);
        Assert.Equal("2026-11-02T08:55:07", requests["Invoices"].IfModifiedSince);
        Assert.Equal("/api.xro/2.0/Invoices?page=1&pageSize=1000&order=InvoiceID%20ASC&includeArchived=true&unitdp=4", requests["Invoices"].PathAndQuery);
        Assert.Equal("/api.xro/2.0/Contacts?page=2&pageSize=1000&order=ContactID%20ASC&includeArchived=true", requests["Contacts"].PathAndQuery);
        Assert.Null(requests["Contacts"].IfModifiedSince);
        Assert.Equal("/api.xro/2.0/Quotes?page=1&order=QuoteID%20ASC", requests["Quotes"].PathAndQuery);
        Assert.Null(requests["TaxRates"].IfModifiedSince);
        Assert.Equal("/api.xro/2.0/Journals?offset=17", requests["Journals"].PathAndQuery);
    }

    [Fact(Timeout = 30_000)]
    public async Task Summary_only_is_sent_only_where_xero_offers_it()
    {
        await using var h = await XeroClientHarness.StartAsync();
        using (var invoices = await h.Client.GetPageAsync(h.Query("Invoices") with { SummaryOnly = true }, Token))
        {
            Assert.All(invoices.RecordElements(), i => Assert.False(i.TryGetProperty("LineItems", out _)));
        }

        using (await h.Client.GetPageAsync(h.Query("Payments") with { SummaryOnly = true }, Token))
        {
        }

        var requests = h.State.Requests.ToDictionary(r => r.Endpoint!);
        Assert.Equal("/api.xro/2.0/Invoices?page=1&pageSize=1000&order=InvoiceID%20ASC&summaryOnly=true&includeArchived=true&unitdp=4", requests["Invoices"].PathAndQuery);
        Assert.DoesNotContain("summaryOnly", requests["Payments"].PathAndQuery, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Pagination_reports_the_page_size_xero_used_and_the_item_count_when_it_caps_pages()
    {
        await using var h = await XeroClientHarness.StartAsync(o => new SimulatorOptions
        {
            Clock = o.Clock, Tenants = 1, Scale = o.Scale, CreatedAt = o.CreatedAt, ChangesPerMinute = 0,
            Behaviour = new SimulatorBehaviour { PageSizeCap = 10 },
        });
        var total = h.State.Count(h.Tenant(), "Payments");
        Assert.True(total > 10, $"the test needs a second capped page of Payments; the organisation has {total}");
        using var page = await h.Client.GetPageAsync(h.Query("Payments", page: 2), Token);
        var pagination = Assert.IsType<XeroPagination>(page.Pagination);
        Assert.Equal(2, pagination.Page);
        Assert.Equal(10, pagination.PageSize);
        Assert.Equal(total, pagination.ItemCount);
        Assert.Equal((total + 9) / 10, pagination.PageCount);
        Assert.Equal(Math.Min(10, total - 10), page.Count);
        Assert.Contains("pageSize=1000", h.State.Requests[^1].PathAndQuery, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task One_record_by_id_comes_back_with_what_only_the_detail_call_returns_as_raw_bytes()
    {
        await using var h = await XeroClientHarness.StartAsync(o => new SimulatorOptions { Clock = o.Clock, Tenants = 1, Scale = 0.5, CreatedAt = o.CreatedAt, ChangesPerMinute = 0 });
        foreach (var endpoint in new[] { "Budgets", "ContactGroups" })
        {
            var details = h.State.GetRecordDetails(h.Tenant(), endpoint);
            var listed = h.State.GetRecords(h.Tenant(), endpoint);
            foreach (var (id, json) in details)
            {
                using var page = await h.Client.GetRecordAsync(h.Tenant(), EndpointCatalog.Get(endpoint), id, null, Token);
                Assert.Equal(1, page.Count);
                var record = Encoding.UTF8.GetString(page.RecordJson(0));
                Assert.Equal(json, record);
                Assert.NotEqual(listed[id], record);
                Assert.Equal($"/api.xro/2.0/{endpoint}/{id}", h.State.Requests[^1].PathAndQuery);
            }
        }

        var missing = await Assert.ThrowsAsync<XeroApiException>(() => h.Client.GetRecordAsync(h.Tenant(), EndpointCatalog.Get("Budgets"), Guid.Empty.ToString(), null, Token));
        Assert.Equal(XeroFailure.BadRequest, missing.Failure);
        Assert.Equal(404, missing.StatusCode);

        var calls = h.State.Requests.Count;
        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.GetRecordAsync(h.Tenant(), EndpointCatalog.Get("Budgets"), "../Invoices?x=1", null, Token));
        Assert.Equal(calls, h.State.Requests.Count);
    }

    /// <summary>
    /// A query naming an id that is not Xero's (a path in a record id, a non-GUID in a targeted read) is refused before its
    /// permit is taken: with one call allowed at a time, the tenant's next permit is still free, and Xero saw no request.
    /// </summary>
    [Fact(Timeout = 30_000)]
    public async Task A_query_with_an_id_that_is_not_xeros_is_refused_before_a_permit_is_taken()
    {
        await using var h = await XeroClientHarness.StartAsync(limits: o => o.Concurrent = 1);
        var budgets = EndpointCatalog.Get("Budgets");
        var invoices = EndpointCatalog.Get("Invoices");
        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.AcquirePermitAsync(PageQuery.ForRecord(h.Tenant(), budgets, "../Invoices?x=1", null), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.AcquirePermitAsync(new PageQuery(h.Tenant(), invoices, 1, null, null, null) { Ids = ["not-a-guid"] }, Token));

        await using var next = await h.Limiter.AcquireAsync(h.Tenant(), TimeSpan.Zero, Token);
        Assert.True(next.IsGranted, "a refused query kept the tenant's one concurrent call");
        Assert.Empty(h.State.Requests);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_order_the_client_sends_keeps_a_mid_run_edit_from_costing_a_record_on_every_ordered_paged_endpoint()
    {
        // Xero lists by UpdatedDateUTC and caps pages at 20; after each endpoint's first page an early record is edited.
        var endpoints = new[] { "Invoices", "Contacts", "Payments", "BankTransactions", "CreditNotes", "PurchaseOrders", "Quotes" };
        await using var h = await XeroClientHarness.StartAsync(o => new SimulatorOptions
        {
            Clock = o.Clock, Tenants = 1, Scale = o.Scale, CreatedAt = o.CreatedAt, ChangesPerMinute = 0,
            Behaviour = new SimulatorBehaviour
            {
                PageSizeCap = 20,
                DefaultOrder = ListOrder.UpdatedDate,
                ScheduledChanges = [.. endpoints.Select(e => new ScheduledChange(e, AfterRequest: 1, ChangeKind.Edit) { Position = 1 })],
            },
        });
        foreach (var name in endpoints)
        {
            var endpoint = EndpointCatalog.Get(name);
            var read = new HashSet<string>(StringComparer.Ordinal);
            for (var page = 1; ; page++)
            {
                using var result = await h.Client.GetPageAsync(h.Query(name, page: page), Token);
                read.UnionWith(result.RecordElements().Select(r => r.GetProperty(endpoint.KeyField).GetString()!));
                if (result.Count == 0 || (result.Pagination is { } p ? page >= p.PageCount : result.Count < 100))
                {
                    break;
                }
            }

            Assert.Contains(h.State.Changes, c => c.Endpoint == name);
            Assert.Equal(h.State.GetRecords(h.Tenant(), name).Keys.Order(StringComparer.Ordinal), read.Order(StringComparer.Ordinal));
        }
    }
}
