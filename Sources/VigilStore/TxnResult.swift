/// The answer to a transaction.
public struct TxnResult: Hashable, Sendable {
    /// Whether every compare held (the success branch ran).
    public var succeeded: Bool
    /// The store revision after the transaction (its own revision when it wrote).
    public var revision: Int64
    /// One result per operation of the branch that ran.
    public var results: [TxnOpResult]

    /// Creates a result.
    public init(succeeded: Bool, revision: Int64, results: [TxnOpResult]) {
        self.succeeded = succeeded
        self.revision = revision
        self.results = results
    }
}
