/// One key with its value and etcd metadata.
///
/// Keys are `String` (UTF-8 encoded on the wire); values are raw bytes, with ``stringValue``
/// for the common UTF-8 case. Revisions follow etcd: `createRevision` is the revision of the
/// put that created the key (reset by a delete), `modRevision` that of the last change,
/// `version` counts puts since creation, `lease` is 0 when the key has no lease.
public struct KeyValue: Hashable, Sendable, Codable {
    /// The key.
    public var key: String
    /// The value bytes (empty for a delete event).
    public var value: [UInt8]
    /// Revision of the put that created the key.
    public var createRevision: Int64
    /// Revision of the last modification (for a delete event: the delete's revision).
    public var modRevision: Int64
    /// Number of puts since the key was created.
    public var version: Int64
    /// The attached lease, 0 when none.
    public var lease: Int64

    /// Creates a key-value.
    public init(
        key: String, value: [UInt8], createRevision: Int64 = 0, modRevision: Int64 = 0,
        version: Int64 = 0, lease: Int64 = 0
    ) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
        self.version = version
        self.lease = lease
    }

    /// The value decoded as UTF-8 (invalid sequences are repaired).
    public var stringValue: String { String(decoding: value, as: UTF8.self) }
}
