/// One operation of a transaction branch.
public enum TxnOp: Hashable, Sendable {
    /// Put `value` at `key`, attached to `lease` when not nil.
    case put(key: String, value: [UInt8], lease: Int64?)
    /// Delete every key in the range.
    case delete(KeyRange)
    /// Read every key in the range.
    case get(KeyRange)

    /// Put a UTF-8 string value.
    public static func put(_ key: String, _ value: String, lease: Int64? = nil) -> TxnOp {
        .put(key: key, value: Array(value.utf8), lease: lease)
    }
}
