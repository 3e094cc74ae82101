using XeroSync.Contracts;
using XeroSync.Ledger;

namespace XeroSync.Pipeline;

/// <summary>A reconcile accepted and recorded in the ledger (every endpoint of every organisation opened, page 1 pending), with one preparation per organisation still to run.</summary>
public sealed record OpenedReconcile(RunInfo Run, IReadOnlyList<ReconcilePreparation> Preparations);
