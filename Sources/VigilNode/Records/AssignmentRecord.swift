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

        /// Creates an entry.
        public init(role: AssignedRole, member: Int64) {
            self.role = role
            self.member = member
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
