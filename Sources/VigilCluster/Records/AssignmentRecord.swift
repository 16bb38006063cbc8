/// The value of `assignments/<resource>`: what the coordinator of `term` wants of the
/// resource on each node, one step of a transition at a time.
///
/// An entry binds to one incarnation of the node's agent (`member`, the create revision
/// of its `members/<node>` key): an agent acts only on entries for its own incarnation, so
/// an agent that restarted or re-joined never acts on what was meant for its previous life.
public struct AssignmentRecord: Codable, Sendable, Hashable {
    /// One node's entry.
    public struct Entry: Codable, Sendable, Hashable {
        /// The wanted role.
        public var role: AssignedRole
        /// The create revision of the `members/<node>` key this entry is for.
        public var member: Int64
        /// Resources on the same node this step waits for, in the same direction: for a
        /// `started` entry, these must run there first; for a `stopped` entry, these must
        /// have stopped there first. The coordinator hands out a chain of one node's steps
        /// (a group's members, an order with a colocation) in one round this way, and the
        /// agent keeps the order itself. Absent: nothing to wait for.
        public var after: [String]?

        /// Creates an entry.
        public init(role: AssignedRole, member: Int64, after: [String]? = nil) {
            self.role = role
            self.member = member
            self.after = after
        }
    }

    /// The coordinator term that wrote it.
    public var term: Int64
    /// Node → entry. A node without an entry has no assignment (its agent leaves the
    /// resource as it is).
    public var nodes: [String: Entry]

    /// Creates a record.
    public init(term: Int64, nodes: [String: Entry]) {
        self.term = term
        self.nodes = nodes
    }
}
