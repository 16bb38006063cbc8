/// Cross-checks a decoded configuration: names unique, references resolve, groups well
/// formed, roles only on promotables, no ordering cycles.
struct ConfigValidator {
    /// Where each decoded element came from, to position the errors.
    struct Paths {
        var nodes: [String]
        var resources: [String]
        var groups: [String]
        var constraints: [String]
        var fenceDevices: [String]
    }

    let config: ClusterConfig
    let paths: Paths

    mutating func validate(into reader: inout YAMLReader) {
        var nodeNames: Set<String> = []
        for (index, node) in config.nodes.enumerated() where !nodeNames.insert(node.name).inserted {
            reader.error(atPath: paths.nodes[index] + ".name", "duplicate node name '\(node.name)'")
        }
        var resourceNames: Set<String> = []
        for (index, resource) in config.resources.enumerated() where !resourceNames.insert(resource.name).inserted {
            reader.error(atPath: paths.resources[index] + ".name", "duplicate resource name '\(resource.name)'")
        }
        for (index, resource) in config.resources.enumerated() {
            for node in resource.nodeParams.keys.sorted() where !nodeNames.contains(node) {
                reader.error(
                    atPath: paths.resources[index] + ".node-params.\(node)",
                    "no node '\(node)' in nodes (\(config.nodes.map(\.name).joined(separator: ", ")))")
            }
            if case .promotable(let options) = resource.variant, options.max == nil,
               options.promotedMax > config.nodes.count * options.perNode {
                reader.error(atPath: paths.resources[index] + ".promotable.promoted-max",
                             "expected at most \(config.nodes.count * options.perNode) (nodes × per-node), got \(options.promotedMax)")
            }
            if resource.notifies, case .ocf = resource.agent {
            } else if resource.notifies {
                // Only an OCF agent has a `notify` action; the native kinds coordinate themselves.
                let key = resource.isPromotable ? "promotable" : "clone"
                reader.error(
                    atPath: paths.resources[index] + ".\(key).notify",
                    "notify applies only to OCF agents (ocf:...), not to agent \(resource.agent)")
            }
            validateGalera(resource, path: paths.resources[index], into: &reader)
            validateRabbitMQ(resource, path: paths.resources[index], into: &reader)
        }
        validateGroups(resourceNames: resourceNames, into: &reader)
        let groupNames = Set(config.groups.map(\.name))
        validateConstraints(nodeNames: nodeNames, resourceNames: resourceNames, groupNames: groupNames, into: &reader)
        validateOrderCycles(into: &reader)
        validateColocationCycles(into: &reader)
        var deviceNames: Set<String> = []
        for (index, device) in config.fenceDevices.enumerated() {
            let path = paths.fenceDevices[index]
            if !deviceNames.insert(device.name).inserted {
                reader.error(atPath: path + ".name", "duplicate fence device name '\(device.name)'")
            }
            for (nodeIndex, node) in device.nodes.enumerated() where !nodeNames.contains(node) {
                reader.error(atPath: "\(path).nodes[\(nodeIndex)]", "unknown node '\(node)'\(suggest(node, nodeNames))")
            }
            for node in device.plugs.keys.sorted() where !device.nodes.contains(node) {
                reader.error(atPath: "\(path).plugs.\(node)", "node '\(node)' is not in this device's nodes")
            }
        }
        if config.cluster.fencing == .devices && config.fenceDevices.isEmpty && !config.nodes.isEmpty {
            // A fence for a node no device covers can never succeed: recovery would wait forever.
            reader.error(atPath: "cluster.fencing", "fencing: devices needs fence-devices covering every node")
        } else if config.cluster.fencing == .devices {
            let covered = Set(config.fenceDevices.flatMap(\.nodes))
            for (index, node) in config.nodes.enumerated() where !covered.contains(node.name) {
                reader.error(atPath: paths.nodes[index] + ".name", "no fence device covers node '\(node.name)' (fencing: devices)")
            }
        }
    }

    func suggest(_ name: String, _ candidates: Set<String>) -> String {
        YAMLReader.closest(to: name, in: candidates.sorted()).map { "; did you mean '\($0)'?" } ?? ""
    }

    mutating func validateGroups(resourceNames: Set<String>, into reader: inout YAMLReader) {
        var groupNames: Set<String> = []
        var owner: [String: String] = [:]
        for (index, group) in config.groups.enumerated() {
            let path = paths.groups[index]
            if !groupNames.insert(group.name).inserted {
                reader.error(atPath: path + ".name", "duplicate group name '\(group.name)'")
            }
            if resourceNames.contains(group.name) {
                reader.error(atPath: path + ".name", "'\(group.name)' is already a resource's name; groups and resources share one namespace")
            }
            var seen: Set<String> = []
            for (memberIndex, member) in group.members.enumerated() {
                let memberPath = "\(path).members[\(memberIndex)]"
                guard let resource = config.resource(named: member) else {
                    reader.error(atPath: memberPath, "unknown resource '\(member)'\(suggest(member, resourceNames))")
                    continue
                }
                if !seen.insert(member).inserted {
                    reader.error(atPath: memberPath, "'\(member)' is listed twice in this group")
                } else if let other = owner[member] {
                    reader.error(atPath: memberPath, "'\(member)' is already a member of group '\(other)'; a resource belongs to at most one group")
                } else {
                    owner[member] = group.name
                }
                if resource.isClone {
                    reader.error(atPath: memberPath, "'\(member)' is a clone; groups contain primitives only")
                }
            }
        }
    }

    mutating func validateConstraints(nodeNames: Set<String>, resourceNames: Set<String>, groupNames: Set<String>,
                                      into reader: inout YAMLReader) {
        let known = resourceNames.union(groupNames)
        func check(_ name: String, _ path: String, role: Role?, rolePath: String, reader: inout YAMLReader) {
            guard known.contains(name) else {
                reader.error(atPath: path, "unknown resource or group '\(name)'\(suggest(name, known))")
                return
            }
            if role != nil, config.resource(named: name)?.isPromotable != true {
                reader.error(atPath: rolePath, "a role applies only to promotable resources, and '\(name)' is not promotable")
            }
        }
        for (index, constraint) in config.constraints.enumerated() {
            let path = paths.constraints[index]
            switch constraint {
            case .location(let location):
                let p = path + ".location"
                check(location.resource, p + ".resource", role: location.role, rolePath: p + ".role", reader: &reader)
                if case .node(let node) = location.target, !nodeNames.contains(node) {
                    reader.error(atPath: p + ".node", "unknown node '\(node)'\(suggest(node, nodeNames))")
                }
            case .colocation(let colocation):
                let p = path + ".colocation"
                check(colocation.resource, p + ".resource", role: colocation.role, rolePath: p + ".role", reader: &reader)
                check(colocation.with, p + ".with", role: colocation.withRole, rolePath: p + ".with-role", reader: &reader)
                // Two members of one group may be colocated (DESIGN.md's own example does):
                // redundant, since the group already keeps them together.
                if colocation.resource == colocation.with {
                    reader.error(atPath: p + ".with", "a resource cannot be colocated with itself")
                } else if let group = config.groups.first(where: { $0.members.contains(colocation.resource) && $0.members.contains(colocation.with) }),
                          let dependentIndex = group.members.firstIndex(of: colocation.resource),
                          let primaryIndex = group.members.firstIndex(of: colocation.with) {
                    if !colocation.score.isInfinity || colocation.role != nil || colocation.withRole != nil {
                        reader.error(atPath: p + ".score", "'\(colocation.resource)' and '\(colocation.with)' are members of group '\(group.name)', which keeps them together; a colocation between them can only be INFINITY")
                    } else if primaryIndex > dependentIndex {
                        reader.error(atPath: p + ".with", "'\(colocation.with)' comes after '\(colocation.resource)' in group '\(group.name)', so this colocation inverts the group; reorder the group's members instead")
                    }
                }
            case .order(let order):
                let p = path + ".order"
                check(order.first, p + ".first", role: nil, rolePath: "", reader: &reader)
                check(order.then, p + ".then", role: nil, rolePath: "", reader: &reader)
                for (action, name, field) in [(order.firstAction, order.first, "first-action"), (order.thenAction, order.then, "then-action")]
                where (action == .promote || action == .demote) && config.resource(named: name)?.isPromotable != true && known.contains(name) {
                    reader.error(atPath: "\(p).\(field)", "'\(action.rawValue)' applies only to promotable resources, and '\(name)' is not promotable")
                }
                if order.first == order.then {
                    reader.error(atPath: p + ".then", "a resource cannot be ordered after itself")
                }
            }
        }
    }

    /// Rejects orders whose mandatory or optional edges (with group chains) form a cycle.
    mutating func validateOrderCycles(into reader: inout YAMLReader) {
        var members: [String: [String]] = [:]
        for group in config.groups { members[group.name] = group.members }
        func expand(_ name: String) -> [String] { members[name] ?? [name] }
        var edges: [String: Set<String>] = [:]
        for group in config.groups {
            for (a, b) in zip(group.members, group.members.dropFirst()) { edges[a, default: []].insert(b) }
        }
        // Finding the constraint that closes each cycle walks the graph once per constraint;
        // the usual acyclic graph (every configuration an agent decodes) needs one pass.
        var whole = edges
        for case .order(let order) in config.constraints where order.kind != .serialize && order.first != order.then {
            for f in expand(order.first) { for t in expand(order.then) { whole[f, default: []].insert(t) } }
        }
        if Self.isAcyclic(whole) { return }
        for (index, constraint) in config.constraints.enumerated() {
            guard case .order(let order) = constraint, order.kind != .serialize, order.first != order.then else { continue }
            let firsts = expand(order.first), thens = expand(order.then)
            // Does an edge from first to then close a cycle (then already reaches first)?
            if let cycle = path(from: thens, to: Set(firsts), edges: edges) {
                let shown = ([order.first] + cycle + [order.first]).joined(separator: " → ")
                reader.error(atPath: paths.constraints[index] + ".order", "ordering cycle: \(shown)")
                continue
            }
            for f in firsts { for t in thens { edges[f, default: []].insert(t) } }
        }
    }

    /// Rejects colocations that form a cycle between placement units (a group counts as
    /// one unit): the scheduler places a primary before its dependents, which a cycle
    /// makes impossible; a mutual pair is expressed by one colocation.
    mutating func validateColocationCycles(into reader: inout YAMLReader) {
        var unitOf: [String: String] = [:]
        for group in config.groups {
            unitOf[group.name] = group.name
            for member in group.members { unitOf[member] = group.name }
        }
        func unit(_ name: String) -> String { unitOf[name] ?? name }
        var whole: [String: Set<String>] = [:]
        for case .colocation(let colocation) in config.constraints where unit(colocation.resource) != unit(colocation.with) {
            whole[unit(colocation.resource), default: []].insert(unit(colocation.with))
        }
        if Self.isAcyclic(whole) { return }
        var edges: [String: Set<String>] = [:]
        for (index, constraint) in config.constraints.enumerated() {
            guard case .colocation(let colocation) = constraint else { continue }
            let dependent = unit(colocation.resource), primary = unit(colocation.with)
            guard dependent != primary else { continue }
            if let cycle = path(from: [primary], to: [dependent], edges: edges) {
                let shown = ([colocation.resource] + cycle + [colocation.resource]).joined(separator: " → ")
                reader.error(atPath: paths.constraints[index] + ".colocation",
                             "colocation cycle: \(shown) (each placed with the next); keep one direction")
                continue
            }
            edges[dependent, default: []].insert(primary)
        }
    }

    /// Whether the directed graph `edges` has no cycle (Kahn's algorithm: linear).
    static func isAcyclic(_ edges: [String: Set<String>]) -> Bool {
        var incoming: [String: Int] = [:]
        for (from, targets) in edges {
            incoming[from, default: 0] += 0
            for target in targets { incoming[target, default: 0] += 1 }
        }
        var ready = incoming.filter { $0.value == 0 }.map(\.key)
        var removed = 0
        while let node = ready.popLast() {
            removed += 1
            for target in edges[node] ?? [] {
                incoming[target, default: 0] -= 1
                if incoming[target] == 0 { ready.append(target) }
            }
        }
        return removed == incoming.count
    }

    func path(from starts: [String], to targets: Set<String>, edges: [String: Set<String>]) -> [String]? {
        var previous: [String: String] = [:]
        var queue = starts
        var seen = Set(starts)
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            if targets.contains(current) {
                var route = [current]
                var cursor = current
                while let back = previous[cursor] { route.append(back); cursor = back }
                return Array(route.reversed().dropLast())
            }
            for next in (edges[current] ?? []).sorted() where seen.insert(next).inserted {
                previous[next] = current
                queue.append(next)
            }
        }
        return nil
    }
}
