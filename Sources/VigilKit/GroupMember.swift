/// One replica in a service group (`groups/<group>/<member>`).
public struct GroupMember: Sendable, Hashable, Codable {
    /// The member's name in its group.
    public var id: String
    /// The node it runs on.
    public var node: String
    /// What the replica publishes about itself (an address, a port, a version).
    public var info: [String: String]

    /// Creates a value.
    public init(id: String, node: String, info: [String: String]) {
        self.id = id
        self.node = node
        self.info = info
    }
}
