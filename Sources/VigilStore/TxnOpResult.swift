/// The result of one transaction operation, in the order of the branch that ran.
public enum TxnOpResult: Hashable, Sendable {
    /// A put was applied.
    case put
    /// A delete removed this many keys.
    case delete(deleted: Int64)
    /// A read returned these keys.
    case get([KeyValue])
}
