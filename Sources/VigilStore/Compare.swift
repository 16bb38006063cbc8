/// One condition of a transaction, evaluated on a single key.
///
/// As in etcd, a missing key has create/mod revision, version and lease 0, and any
/// comparison of a missing key's value is false.
public struct Compare: Hashable, Sendable {
    /// What to compare and the operand.
    public enum Target: Hashable, Sendable {
        /// The value bytes.
        case value([UInt8])
        /// The creation revision (0: the key does not exist).
        case createRevision(Int64)
        /// The last modification revision.
        case modRevision(Int64)
        /// The number of puts since creation.
        case version(Int64)
        /// The attached lease id (0: none).
        case lease(Int64)
    }

    /// The comparison operator: `key's field <op> operand`.
    public enum Operator: Hashable, Sendable {
        /// `==`
        case equal
        /// `!=`
        case notEqual
        /// `>`
        case greater
        /// `<`
        case less
    }

    /// The key compared.
    public var key: String
    /// The operator.
    public var op: Operator
    /// The field and the operand.
    public var target: Target

    /// Creates a compare: `key`'s field `op` operand.
    public init(key: String, _ op: Operator, _ target: Target) {
        self.key = key
        self.op = op
        self.target = target
    }

    /// The key does not exist (its create revision is 0).
    public static func absent(_ key: String) -> Compare { Compare(key: key, .equal, .createRevision(0)) }
    /// The key exists and was created at `revision` (e.g. a coordinator term).
    public static func created(_ key: String, at revision: Int64) -> Compare {
        Compare(key: key, .equal, .createRevision(revision))
    }
    /// The key was last modified at `revision` (0: the key does not exist).
    public static func unchanged(_ key: String, since revision: Int64) -> Compare {
        Compare(key: key, .equal, .modRevision(revision))
    }

    /// Evaluates the compare against the key's current state (nil: missing).
    func evaluate(_ kv: KeyValue?) -> Bool {
        func check<T: Comparable>(_ lhs: T, _ rhs: T) -> Bool {
            switch op {
            case .equal: return lhs == rhs
            case .notEqual: return lhs != rhs
            case .greater: return lhs > rhs
            case .less: return lhs < rhs
            }
        }
        switch target {
        case .value(let v):
            guard let kv else { return false }
            return check(kv.value.lexicographicallyPrecedes(v) ? -1 : (kv.value == v ? 0 : 1), 0)
        case .createRevision(let r): return check(kv?.createRevision ?? 0, r)
        case .modRevision(let r): return check(kv?.modRevision ?? 0, r)
        case .version(let r): return check(kv?.version ?? 0, r)
        case .lease(let r): return check(kv?.lease ?? 0, r)
        }
    }
}
