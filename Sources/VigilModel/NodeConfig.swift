/// A configured cluster node (`nodes[]`).
public struct NodeConfig: Sendable, Hashable {
    /// The node's name, as given to `vigil agent --node`.
    public var name: String
    /// The node's address (informational; agents register their own).
    public var address: String?
    /// Free-form attributes used by location rules. `#uname` is the node's name.
    public var attributes: [String: String]

    /// Creates a node.
    public init(name: String, address: String? = nil, attributes: [String: String] = [:]) {
        self.name = name
        self.address = address
        self.attributes = attributes
    }

    /// The value of `attribute` on this node, with `#uname` resolving to the name.
    public func attribute(_ attribute: String) -> String? {
        attribute == "#uname" ? name : attributes[attribute]
    }
}
