import Foundation

/// A configuration fragment built in code (``Vigil/applyFragment(owner:_:)``): the same
/// sections a YAML fragment holds, checked by the cluster exactly as YAML is.
public struct Fragment: Sendable, Hashable, Encodable {
    /// A resource: its name, its agent (`process`, `vip`, `ocf:heartbeat:IPaddr2`, …), its
    /// params, and any other field of the configuration reference (`clone`, `monitor`,
    /// `health`, `migration-threshold`, …) in ``settings``.
    public struct Resource: Sendable, Hashable, Encodable {
        /// The resource's name.
        public var name: String
        /// Its agent.
        public var agent: String
        /// Its parameters.
        public var params: [String: FragmentValue]
        /// Any other field, by its name in the configuration reference.
        public var settings: [String: FragmentValue]

        /// Creates a resource.
        public init(name: String, agent: String, params: [String: FragmentValue] = [:], settings: [String: FragmentValue] = [:]) {
            self.name = name
            self.agent = agent
            self.params = params
            self.settings = settings
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        /// Encodes as one mapping: name, agent, params and the settings beside them.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(name, forKey: Key(stringValue: "name"))
            try container.encode(agent, forKey: Key(stringValue: "agent"))
            if !params.isEmpty { try container.encode(params, forKey: Key(stringValue: "params")) }
            for (key, value) in settings where !["name", "agent", "params"].contains(key) {
                try container.encode(value, forKey: Key(stringValue: key))
            }
        }
    }

    /// A group: members started in order and kept together.
    public struct Group: Sendable, Hashable, Encodable {
        /// The group's name.
        public var name: String
        /// Its members, in start order.
        public var members: [String]

        /// Creates a group.
        public init(name: String, members: [String]) {
            self.name = name
            self.members = members
        }
    }

    /// A constraint.
    public enum Constraint: Sendable, Hashable, Encodable {
        /// Prefer (or avoid) a node: score `INFINITY`, `-INFINITY` or a number.
        case location(resource: String, node: String, score: String)
        /// Keep `resource` with (or away from) `with`.
        case colocation(resource: String, with: String, score: String)
        /// Start `then` after `first` (`kind`: mandatory, optional or serialize).
        case order(first: String, then: String, kind: String)

        /// Encodes as the configuration's one-key mapping.
        public func encode(to encoder: any Encoder) throws {
            let value: [String: [String: String]] =
                switch self {
                case .location(let resource, let node, let score): ["location": ["resource": resource, "node": node, "score": score]]
                case .colocation(let resource, let with, let score): ["colocation": ["resource": resource, "with": with, "score": score]]
                case .order(let first, let then, let kind): ["order": ["first": first, "then": then, "kind": kind]]
                }
            try value.encode(to: encoder)
        }
    }

    /// Attributes this owner sets on a node of the operator's configuration.
    public struct NodeAttributes: Sendable, Hashable, Encodable {
        /// The node.
        public var name: String
        /// The attributes.
        public var attributes: [String: String]

        /// Creates a value.
        public init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }
    }

    /// The resources.
    public var resources: [Resource]
    /// The groups.
    public var groups: [Group]
    /// The constraints.
    public var constraints: [Constraint]
    /// Node attributes.
    public var nodes: [NodeAttributes]

    /// Creates a fragment.
    public init(resources: [Resource] = [], groups: [Group] = [], constraints: [Constraint] = [], nodes: [NodeAttributes] = []) {
        self.resources = resources
        self.groups = groups
        self.constraints = constraints
        self.nodes = nodes
    }

    enum CodingKeys: String, CodingKey {
        case resources, groups, constraints, nodes
    }

    /// Encodes the non-empty sections.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !resources.isEmpty { try container.encode(resources, forKey: .resources) }
        if !groups.isEmpty { try container.encode(groups, forKey: .groups) }
        if !constraints.isEmpty { try container.encode(constraints, forKey: .constraints) }
        if !nodes.isEmpty { try container.encode(nodes, forKey: .nodes) }
    }

    /// The fragment as configuration text: pretty-printed JSON, which YAML reads as is
    /// (errors point at its lines).
    public var yaml: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Strings, numbers, booleans, lists and mappings only: encoding cannot fail.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "{}\n"
    }
}
