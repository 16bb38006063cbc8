/// A node that is gone but may still run what it was assigned (`fencing: devices`): see
/// ``StateBuilder/lostNodes(view:config:)``.
public struct LostNode: Sendable, Hashable {
    /// The incarnation that was lost (the create revision of its `members/<node>` key).
    public var member: Int64
    /// Resource → the role it was assigned there (started or promoted).
    public var resources: [String: AssignedRole]

    /// Creates a lost node.
    public init(member: Int64, resources: [String: AssignedRole] = [:]) {
        self.member = member
        self.resources = resources
    }
}
