/// One change seen by a watch.
public struct WatchEvent: Hashable, Sendable {
    /// Put or delete.
    public enum Kind: Hashable, Sendable {
        /// The key was created or updated.
        case put
        /// The key was deleted (or its lease expired).
        case delete
    }

    /// Put or delete.
    public var kind: Kind
    /// The key after the change; for a delete, only `key` and `modRevision` (the delete's
    /// revision) are meaningful.
    public var kv: KeyValue
    /// The key before the change, when the store provides it (both stores do).
    public var prevKV: KeyValue?

    /// Creates an event.
    public init(kind: Kind, kv: KeyValue, prevKV: KeyValue? = nil) {
        self.kind = kind
        self.kv = kv
        self.prevKV = prevKV
    }
}
