import VigilModel

/// Where a resource will run after a transition.
public enum Placement: Sendable, Hashable {
    /// The nodes of its instances (sorted; a node repeats for `per-node > 1`); empty when stopped.
    case nodes([String])
    /// A promotable's nodes per role (each sorted).
    case roles(promoted: [String], unpromoted: [String])

    /// Every node an instance will run on, whatever its role.
    public var allNodes: [String] {
        switch self {
        case .nodes(let nodes): nodes
        case .roles(let promoted, let unpromoted): (promoted + unpromoted).sorted()
        }
    }
}

/// The kind of a planned action.
public enum ActionKind: String, Sendable, Hashable, CaseIterable {
    /// Power a lost node off (or wait for its self-fence deadline).
    case fence
    /// Demote a promoted instance.
    case demote
    /// Stop an instance.
    case stop
    /// Start an instance.
    case start
    /// Promote an instance.
    case promote
}

/// One step of a transition.
public struct PlannedAction: Sendable, Hashable, CustomStringConvertible {
    /// What to do.
    public var kind: ActionKind
    /// The resource; nil for `fence`.
    public var resource: String?
    /// The node it happens on (the node to fence, for `fence`).
    public var node: String
    /// Indexes of the actions this one waits for (each smaller than this action's index).
    public var after: [Int]

    /// Creates an action.
    public init(kind: ActionKind, resource: String?, node: String, after: [Int] = []) {
        self.kind = kind
        self.resource = resource
        self.node = node
        self.after = after
    }

    /// `start web n1`, `fence n4`.
    public var description: String {
        if let resource { return "\(kind.rawValue) \(resource) \(node)" }
        return "\(kind.rawValue) \(node)"
    }
}

/// The scheduler's output: target placements and the ordered actions that reach them.
public struct Transition: Sendable, Hashable {
    /// Every configured resource's placement after the transition.
    public var placements: [String: Placement]
    /// The actions, in a topological order (predecessors first).
    public var actions: [PlannedAction]
    /// Resources (not `target-role: stopped`) that will run nowhere, in configuration order.
    public var unplaced: [String]

    /// Creates a transition.
    public init(placements: [String: Placement], actions: [PlannedAction], unplaced: [String]) {
        self.placements = placements
        self.actions = actions
        self.unplaced = unplaced
    }

    /// Whether there is nothing to do.
    public var isEmpty: Bool { actions.isEmpty }
}
