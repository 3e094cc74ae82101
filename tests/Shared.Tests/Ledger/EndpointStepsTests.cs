using XeroSync.Ledger;

namespace XeroSync.Tests.Ledger;

/// <summary>
/// The next step of an endpoint from its state record, for the states a run passes through: the counts are written here by
/// hand as a ledger would hold them at each point (a 3-page endpoint read, checked, listed, loaded), not taken from src/.
/// </summary>
public sealed class EndpointStepsTests
{
    private static EndpointState State(int? lastPage = 3, int pending = 0, int done = 0, int failed = 0, int deferred = 0, int notEntitled = 0, int unlisted = 0, int claimed = 0, int loaded = 0, int manifestsFailed = 0, bool watermark = false, bool verify = false, VerificationOutcome verification = VerificationOutcome.Pending) =>
        new("run", "tenant", "Invoices", lastPage, pending, done, failed, deferred, notEntitled, done * 100L, unlisted, claimed, loaded, manifestsFailed, null, watermark, done, 0, VerificationRequired: verify, Verification: verification);

    [Fact(Timeout = 10_000)]
    public void A_full_read_of_a_verified_endpoint_goes_read_verify_manifest_loads_watermark_finished()
    {
        Assert.Equal(EndpointStep.ReadPages, EndpointSteps.Next(State(lastPage: null, pending: 1)));
        Assert.Equal(EndpointStep.ReadPages, EndpointSteps.Next(State(pending: 2, done: 1, unlisted: 1, verify: true)));
        Assert.Equal(EndpointStep.Verify, EndpointSteps.Next(State(done: 3, unlisted: 3, verify: true)));
        Assert.Equal(EndpointStep.WriteManifest, EndpointSteps.Next(State(done: 3, unlisted: 3, verify: true, verification: VerificationOutcome.Verified)));
        Assert.Equal(EndpointStep.AwaitLoads, EndpointSteps.Next(State(done: 3, claimed: 1, verify: true, verification: VerificationOutcome.Verified)));
        Assert.Equal(EndpointStep.AwaitLoads, EndpointSteps.Next(State(done: 3, claimed: 1, verify: true, verification: VerificationOutcome.Verified)));
        Assert.Equal(EndpointStep.AdvanceWatermark, EndpointSteps.Next(State(done: 3, claimed: 1, loaded: 1, verify: true, verification: VerificationOutcome.Verified)));
        Assert.Equal(EndpointStep.Finished, EndpointSteps.Next(State(done: 3, claimed: 1, loaded: 1, watermark: true, verify: true, verification: VerificationOutcome.Verified)));
    }

    [Fact(Timeout = 10_000)]
    public void A_deferred_page_settles_the_endpoint_partial_its_manifest_is_written_and_the_watermark_never_moves()
    {
        // Page 3 deferred: nothing to verify while pages are missing; the manifest lists the two read pages.
        Assert.Equal(EndpointStep.WriteManifest, EndpointSteps.Next(State(done: 2, deferred: 1, unlisted: 2, verify: true)));
        Assert.Equal(EndpointStep.AwaitLoads, EndpointSteps.Next(State(done: 2, deferred: 1, claimed: 1, verify: true)));
        Assert.Equal(EndpointStep.Finished, EndpointSteps.Next(State(done: 2, deferred: 1, claimed: 1, loaded: 1, verify: true)));
    }

    [Fact(Timeout = 10_000)]
    public void A_skipped_endpoint_gets_its_empty_manifest_and_then_nothing_not_even_a_watermark()
    {
        Assert.Equal(EndpointStep.WriteManifest, EndpointSteps.Next(State(lastPage: null, notEntitled: 1)));
        Assert.Equal(EndpointStep.Finished, EndpointSteps.Next(State(lastPage: null, notEntitled: 1, claimed: 1, loaded: 1)));
    }

    [Fact(Timeout = 10_000)]
    public void A_retry_that_reopens_a_failed_page_is_reading_again_and_its_new_done_page_needs_the_next_manifest()
    {
        Assert.Equal(EndpointStep.ReadPages, EndpointSteps.Next(State(pending: 1, done: 2, claimed: 1, loaded: 1)));
        Assert.Equal(EndpointStep.WriteManifest, EndpointSteps.Next(State(done: 3, unlisted: 1, claimed: 1, loaded: 1)));
        Assert.Equal(EndpointStep.AdvanceWatermark, EndpointSteps.Next(State(done: 3, claimed: 2, loaded: 2)));
    }

    [Fact(Timeout = 10_000)]
    public void A_failed_verification_or_load_finishes_the_endpoint_partial_without_a_watermark()
    {
        Assert.Equal(EndpointStep.WriteManifest, EndpointSteps.Next(State(done: 3, unlisted: 3, verify: true, verification: VerificationOutcome.Failed)));
        Assert.Equal(EndpointStep.Finished, EndpointSteps.Next(State(done: 3, claimed: 1, loaded: 1, verify: true, verification: VerificationOutcome.Failed)));
        Assert.Equal(EndpointStep.Finished, EndpointSteps.Next(State(done: 3, claimed: 1, manifestsFailed: 1)));
    }
}
