/// The answer to a read: matching keys in key order and the store revision it was read at.
public struct RangeResult: Hashable, Sendable {
    /// The matching keys, sorted by key.
    public var kvs: [KeyValue]
    /// The store's revision when the read was served; watch from `revision + 1` to miss nothing.
    public var revision: Int64

    /// Creates a range result.
    public init(kvs: [KeyValue], revision: Int64) {
        self.kvs = kvs
        self.revision = revision
    }
}
