/// A placement or ordering constraint (`constraints[]`).
public enum Constraint: Sendable, Hashable {
    /// Where a resource may or prefers to run.
    case location(LocationConstraint)
    /// Which resources run together or apart.
    case colocation(ColocationConstraint)
    /// In what order actions happen.
    case order(OrderConstraint)
}

/// `location: {resource, node | rule, score, role}`.
public struct LocationConstraint: Sendable, Hashable {
    /// Which nodes the constraint scores.
    public enum Target: Sendable, Hashable {
        /// One node by name.
        case node(String)
        /// Every node whose attributes match.
        case rule(Rule)
    }
    /// A resource or group name.
    public var resource: String
    /// The node or rule.
    public var target: Target
    /// Added to the resource's score on matching nodes.
    public var score: Score
    /// With a role, the score applies to promotion only.
    public var role: Role?
    /// Creates the constraint.
    public init(resource: String, target: Target, score: Score, role: Role? = nil) {
        self.resource = resource
        self.target = target
        self.score = score
        self.role = role
    }
}

/// `colocation: {resource, with, score, role, with-role}`: place `resource` relative to `with`.
public struct ColocationConstraint: Sendable, Hashable {
    /// The dependent: placed after `with`, relative to it.
    public var resource: String
    /// The primary.
    public var with: String
    /// INFINITY: must run together; -INFINITY: never together; finite: a preference.
    public var score: Score
    /// The dependent's role the constraint is about.
    public var role: Role?
    /// The primary's role the constraint is about.
    public var withRole: Role?
    /// Creates the constraint.
    public init(resource: String, with: String, score: Score = .infinity, role: Role? = nil, withRole: Role? = nil) {
        self.resource = resource
        self.with = with
        self.score = score
        self.role = role
        self.withRole = withRole
    }
}

/// The kind of an order constraint.
public enum OrderKind: String, Sendable, Hashable, CaseIterable {
    /// `then` needs `first`: it waits for it, and cannot run without it.
    case mandatory
    /// Applies only when both move in the same transition.
    case optional
    /// Never both at once.
    case serialize
}

/// `order: {first, then, kind, symmetrical, first-action, then-action}`.
public struct OrderConstraint: Sendable, Hashable {
    /// The resource acting first.
    public var first: String
    /// The resource acting after it.
    public var then: String
    /// Mandatory, optional or serialize.
    public var kind: OrderKind
    /// Whether the inverse order applies to the inverse actions.
    public var symmetrical: Bool
    /// `first`'s action.
    public var firstAction: ResourceAction
    /// `then`'s action.
    public var thenAction: ResourceAction
    /// Creates the constraint.
    public init(first: String, then: String, kind: OrderKind = .mandatory, symmetrical: Bool? = nil,
                firstAction: ResourceAction = .start, thenAction: ResourceAction = .start) {
        self.first = first
        self.then = then
        self.kind = kind
        self.symmetrical = symmetrical ?? (kind != .serialize)
        self.firstAction = firstAction
        self.thenAction = thenAction
    }
}
