/// The value of `galera/<resource>/writer`: the one node that takes writes
/// (`/health/<resource>?role=writer` answers 200 there only). Chosen by the coordinator
/// among Synced Primary nodes and kept until that node fails or leaves.
public struct GaleraWriterRecord: Codable, Sendable, Hashable {
    /// The writer.
    public var node: String
    /// Since when (RFC 3339).
    public var since: String

    /// Creates a record.
    public init(node: String, since: String) {
        self.node = node
        self.since = since
    }
}
