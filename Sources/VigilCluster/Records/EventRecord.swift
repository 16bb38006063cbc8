/// The value of `events/<sequence>`: one line of the cluster's history (`vigil events`).
public struct EventRecord: Codable, Sendable, Hashable {
    /// When (RFC 3339).
    public var time: String
    /// The node it happened on or was decided by.
    public var node: String
    /// The resource, if any.
    public var resource: String?
    /// A short machine-readable kind: `assigned`, `started`, `stopped`, `failed`, `joined`, …
    public var kind: String
    /// What happened, for people.
    public var message: String

    /// Creates a record.
    public init(time: String, node: String, resource: String? = nil, kind: String, message: String) {
        self.time = time
        self.node = node
        self.resource = resource
        self.kind = kind
        self.message = message
    }
}
