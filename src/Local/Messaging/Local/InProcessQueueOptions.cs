using System.ComponentModel.DataAnnotations;

namespace XeroSync.Messaging.Local;

/// <summary>Pub/Sub-like delivery settings of the in-process queue.</summary>
public sealed class InProcessQueueOptions
{
    /// <summary>Messages handled at once (Pub/Sub push concurrency stand-in).</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 16;

    /// <summary>Deliveries before a message is dead-lettered (Pub/Sub: maxDeliveryAttempts, 5–100).</summary>
    [Range(1, 100)]
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>First redelivery delay; doubles per attempt up to <see cref="MaximumBackoff"/>.</summary>
    public TimeSpan MinimumBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaximumBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// At-least-once rehearsal: every published message is delivered this many times, the copies concurrently
    /// and each with its own attempts (same message id, as a Pub/Sub redelivery has). Pub/Sub may deliver any
    /// message twice; 2 makes the local shape do it to every message, to prove the handlers are idempotent.
    /// </summary>
    [Range(1, 4)]
    public int DeliveriesPerMessage { get; set; } = 1;
}
