namespace XeroSync.Pipeline;

/// <summary>A <see cref="HeldPageWatch"/> decision: leave the page to its live holder, answer for a redelivery, or look again after a pause.</summary>
public sealed record HeldPageStep(HeldPageStepKind Kind, TimeSpan Pause)
{
    public static HeldPageStep LeaveToHolder { get; } = new(HeldPageStepKind.LeaveToHolder, TimeSpan.Zero);

    public static HeldPageStep AnswerForRedelivery { get; } = new(HeldPageStepKind.AnswerForRedelivery, TimeSpan.Zero);

    public static HeldPageStep LookAgainAfter(TimeSpan pause) => new(HeldPageStepKind.LookAgain, pause);
}
