public import VigilModel

/// Why the scheduler placed a resource where it did (`vigil explain`): for every node the
/// score it used and each term that made it up, the nodes chosen, and the rule that chose
/// them. Recorded by the scheduler while it plans (``Scheduler/explain(config:state:)``),
/// so it cannot drift from what the scheduler does.
public struct Explanation: Sendable, Hashable {
    /// One contribution to a node's score.
    public struct Term: Sendable, Hashable {
        /// What kind of rule it comes from.
        public enum Kind: String, Sendable, Hashable, Codable {
            /// The node's own state (offline, standby, unclean, maintenance).
            case node
            /// `target-role: stopped`.
            case targetRole = "target-role"
            /// A failcount ban (`migration-threshold`, or a failed start).
            case failcount
            /// A location constraint (on a node, or a rule).
            case location
            /// Stickiness where it runs now.
            case stickiness
            /// A colocation with something placed before it.
            case colocation
            /// What resources colocated with it prefer (merged, as in Pacemaker).
            case dependents
            /// A group's score: its own locations and its members'.
            case group
        }

        /// The kind.
        public var kind: Kind
        /// Its contribution.
        public var score: Score
        /// In words (`location rule "pingd lt 1"`, `n2 is in standby`).
        public var reason: String

        /// Creates a term.
        public init(kind: Kind, score: Score, reason: String) {
            self.kind = kind
            self.score = score
            self.reason = reason
        }
    }

    /// One node's score.
    public struct NodeScore: Sendable, Hashable {
        /// The node.
        public var node: String
        /// The score the choice used.
        public var score: Score
        /// The terms, in the order they were added (their sum is ``score``, INFINITY
        /// arithmetic aside).
        public var terms: [Term]
    }

    /// The resource.
    public var resource: String
    /// The group it belongs to (its scores are the group's), if any.
    public var group: String?
    /// Every configured node's score, in configuration order.
    public var nodes: [NodeScore]
    /// The nodes where it will run (a clone's instances; a promotable's promoted nodes
    /// are in ``promoted``).
    public var placed: [String]
    /// For a promotable: where it will be promoted.
    public var promoted: [String]?
    /// How the nodes were chosen: the winner with the rule that picked it (highest score,
    /// or the tie-break used), or, when it runs nowhere, the shortest reason.
    public var decision: String
}

/// Collects the scheduler's reasoning while it plans (only when explaining).
final class ScoreRecorder {
    /// Resource → node → terms recorded when the base scores were computed.
    var baseTerms: [[[Explanation.Term]]]
    /// Group → node → its own location terms.
    var groupTerms: [[[Explanation.Term]]]
    /// The resource whose placement terms are being collected, and its terms so far.
    var collecting: (resource: Int, terms: [[Explanation.Term]])?
    /// Resource → the terms of its last placement scores, until its choice is recorded.
    var pending: [Int: [[Explanation.Term]]] = [:]
    /// Resource → the explanation of its last placement (a later planning pass replaces an
    /// earlier one).
    var explanations: [Int: Explanation] = [:]

    init(resources: Int, groups: Int, nodes: Int) {
        baseTerms = Array(repeating: Array(repeating: [], count: nodes), count: resources)
        groupTerms = Array(repeating: Array(repeating: [], count: nodes), count: groups)
    }

    func add(_ term: Explanation.Term, node: Int) {
        collecting?.terms[node].append(term)
    }
}
