/// A group (`groups[]`): primitives that run together on one node, started in order
/// and stopped in reverse, like a Pacemaker group.
public struct GroupConfig: Sendable, Hashable {
    /// The group's name; constraints may name it.
    public var name: String
    /// Its members, in start order.
    public var members: [String]
    /// Creates a group.
    public init(name: String, members: [String]) {
        self.name = name
        self.members = members
    }
}
