/// A transaction: if every compare holds, run `success`, otherwise `failure`, atomically.
///
/// All writes of a transaction share one new revision. Vigil guards every write that
/// matters with compares (on create or mod revision), which makes a retried write
/// idempotent: a write that timed out and was applied fails its compare on retry.
public struct Txn: Hashable, Sendable {
    /// Conditions that must all hold.
    public var compares: [Compare]
    /// Operations run when every compare holds.
    public var success: [TxnOp]
    /// Operations run otherwise.
    public var failure: [TxnOp]

    /// Creates a transaction.
    public init(compares: [Compare] = [], success: [TxnOp] = [], failure: [TxnOp] = []) {
        self.compares = compares
        self.success = success
        self.failure = failure
    }
}
