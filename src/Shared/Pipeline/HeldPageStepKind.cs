namespace XeroSync.Pipeline;

/// <summary>What a delivery does next about a page another delivery holds.</summary>
public enum HeldPageStepKind
{
    /// <summary>Look at the page again after the step's pause (its lease may lapse, or its holder renew it).</summary>
    LookAgain,

    /// <summary>The holder renewed its lease: it is alive and answers for the page.</summary>
    LeaveToHolder,

    /// <summary>The delivery's deadline came while the page was held: answer so it is redelivered.</summary>
    AnswerForRedelivery,
}
