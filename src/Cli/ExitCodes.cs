namespace XeroSync.Cli;

/// <summary>Process exit codes of the CLI.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An unexpected error (a bug or an outage); the message and log say more.</summary>
    public const int Failure = 1;

    /// <summary>Bad arguments or configuration (e.g. no credentials and no --demo).</summary>
    public const int Usage = 2;

    /// <summary>The run finished but some pages failed or were deferred (daily limit or monthly egress budget): run `retry` or sync again.</summary>
    public const int Partial = 3;

    /// <summary>`sync --tie-out`: an account's balance in the warehouse differs from Xero's Trial Balance, or the Trial Balance could not be read.</summary>
    public const int NotTied = 4;
}
