public import VigilModel

/// One Galera resource as `vigil status` shows it: each node's Galera state, the writer,
/// and the latest bootstrap choice (the `galera` object of the status JSON).
public struct GaleraResourceStatus: Sendable, Hashable, Encodable {
    /// One Galera node.
    public struct Node: Sendable, Hashable, Encodable {
        /// `down` for a node with no running instance (its agent is not a member, or it
        /// reports the resource stopped); `unclean` for a lost node that may still run it;
        /// for a running instance its wsrep state as its agent reports it (`Synced`, `Donor`,
        /// `Joiner`, `Joined`, `Initialized`, `non-Primary`), or — before the first report,
        /// or when it failed — the resource state (`starting`, `started`, `stopping`,
        /// `failed`).
        public var state: String
        /// A running instance: its last reported `wsrep_last_committed`. A node without one:
        /// the seqno of the position it last published (nil: none published).
        public var seqno: Int64?
        /// A running instance: its `wsrep_cluster_size` (nil before its first report).
        /// Nil for a node without one.
        public var size: Int?
        /// Only for a node without a running instance: whether ``seqno`` is its position
        /// now — recovered after its instance stopped. False when it published none, or
        /// when it crashed while running (the seqno is from before that start: it may have
        /// committed more). Nil for a running instance.
        public var known: Bool?

        /// Creates a node line.
        public init(state: String, seqno: Int64?, size: Int?, known: Bool?) {
            self.state = state
            self.seqno = seqno
            self.size = size
            self.known = known
        }

        /// Whether an instance runs there (`down` and `unclean` are nodes without one
        /// that Vigil knows of).
        public var running: Bool { state != "down" && state != "unclean" }

        enum CodingKeys: String, CodingKey { case state, seqno, size, known }

        /// `state`, `seqno` and `size` always (null when unknown); `known` only for a node
        /// with no running instance.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(state, forKey: .state)
            try container.encode(seqno, forKey: .seqno)
            try container.encode(size, forKey: .size)
            try container.encodeIfPresent(known, forKey: .known)
        }
    }

    /// Who was chosen to bootstrap, when.
    public struct Bootstrap: Sendable, Hashable, Encodable {
        /// The chosen node.
        public var node: String
        /// When it was chosen (as its writer wrote it).
        public var at: String
        /// `new-cluster` or `pc-bootstrap`.
        public var mode: String
        /// An operator's override (`vigil galera bootstrap --force`).
        public var forced: Bool
        /// Who chose (`coordinator <node>`, or the operator).
        public var by: String
        /// The choice is still in force: no Primary component has formed since.
        public var pending: Bool

        /// Creates a line.
        public init(node: String, at: String, mode: String, forced: Bool, by: String, pending: Bool) {
            self.node = node
            self.at = at
            self.mode = mode
            self.forced = forced
            self.by = by
            self.pending = pending
        }
    }

    /// The node `?role=writer` answers 200 on, nil when none is chosen.
    public var writer: String?
    /// The latest bootstrap choice, nil when none is recorded.
    public var bootstrapped: Bootstrap?
    /// Every Galera node of the resource.
    public var nodes: [String: Node]
    /// The nodes sorted (for display).
    public var nodeOrder: [String]

    /// Creates a status.
    public init(writer: String?, bootstrapped: Bootstrap?, nodes: [String: Node]) {
        self.writer = writer
        self.bootstrapped = bootstrapped
        self.nodes = nodes
        self.nodeOrder = nodes.keys.sorted()
    }

    /// The status of galera resource `resource` in `view`: its nodes are
    /// ``GaleraNodes/of(_:in:)``, `lost` the unclean nodes (``StateBuilder/lostNodes(view:config:)``).
    public init(resource: ResourceConfig, config: ClusterConfig, view: ClusterView, lost: Set<String>) {
        let name = resource.name
        var nodes: [String: Node] = [:]
        for node in GaleraNodes.of(resource, in: config) {
            let status = view.members[node] != nil ? view.status[node]?[name] : nil
            if let status, status.state != .stopped {
                let galera = status.galera
                let state = status.state == .failed ? "failed" : galera?.state ?? status.state.rawValue
                nodes[node] = Node(state: state, seqno: galera?.seqno, size: galera?.size, known: nil)
            } else {
                let position = view.galeraPositions[name]?[node]?.record
                let state = status == nil && lost.contains(node) ? "unclean" : "down"
                nodes[node] = Node(state: state, seqno: position?.seqno, size: nil, known: position.map { !$0.running } ?? false)
            }
        }
        let bootstrapped = GaleraHistory.latestBootstrap(of: name, in: view).map { choice, inForce in
            Bootstrap(
                node: choice.node, at: choice.at, mode: choice.mode.rawValue, forced: choice.forced, by: choice.by,
                pending: inForce)
        }
        self.init(writer: view.galeraWriter[name]?.record.node, bootstrapped: bootstrapped, nodes: nodes)
    }

    enum CodingKeys: String, CodingKey { case writer, bootstrapped, nodes }

    /// `writer` and `bootstrapped` are `null` when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(writer, forKey: .writer)
        try container.encode(bootstrapped, forKey: .bootstrapped)
        try container.encode(nodes, forKey: .nodes)
    }

    /// Lines for people: the writer and the bootstrap choice, then one line per node.
    public func lines(resource: String) -> [String] {
        var head = "  \(resource)  writer: \(writer ?? "none")"
        if let b = bootstrapped {
            head += "; bootstrapped: \(b.node) at \(b.at) (\(b.mode)\(b.forced ? ", FORCED" : ""), by \(b.by))"
            if b.pending { head += " — pending, no Primary component yet" }
        } else {
            head += "; bootstrapped: no record"
        }
        var lines = [head]
        let width = max(4, nodeOrder.map(\.count).max() ?? 0)
        for name in nodeOrder {
            guard let node = nodes[name] else { continue }
            var line = "    " + name.padded(to: width) + "  " + node.state.padded(to: 12)
            switch (node.running, node.seqno, node.known) {
            case (true, let seqno?, _):
                line += "  seqno \(seqno)"
                if let size = node.size { line += "  size \(size)" }
            case (true, nil, _):
                line += "  (no Galera state reported yet)"
            case (false, let seqno?, true?):
                line += "  seqno \(seqno) (recovered position)"
            case (false, let seqno?, _):
                line += "  seqno \(seqno)? (published before its last start: it may have committed more)"
            case (false, nil, _):
                line += "  (no position published)"
            }
            lines.append(line.trimmingTrailingSpaces)
        }
        return lines
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
