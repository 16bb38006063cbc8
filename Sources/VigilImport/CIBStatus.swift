import Foundation
public import VigilModel

/// A CIB's status section as a `vigil simulate` STATE (`vigil import --state-out`): quorum,
/// node states (online when its controller is online and joined; standby and maintenance
/// from its attributes), what runs where in which role (from each resource's operation
/// history), failcounts and their last times, promotion scores and the other transient
/// attributes.
public enum CIBStatus {
    /// The state of `cib`'s status section, named as ``CIBImporter`` names things: a clone's
    /// instances (`galera:0`, or the child's id) count as the clone's.
    public static func state(_ cib: CIBElement, config: ClusterConfig) -> (state: ClusterState, problems: [ImportProblem]) {
        var problems: [ImportProblem] = []
        var state = ClusterState(quorum: ["1", "true"].contains((cib["have-quorum"] ?? "0").lowercased()))
        let nodeNames = Set(config.nodes.map(\.name))
        var children: [String: String] = [:]
        for element in cib.descendant("configuration", "resources")?.children ?? [] where element.name == "clone" || element.name == "master" {
            for child in element.children where child.name == "primitive" {
                if let id = child["id"], let clone = element["id"] { children[id] = clone }
            }
        }
        let names = Set(config.resources.map(\.name))
        func resourceName(_ id: String) -> String? {
            let base = id.split(separator: ":").first.map(String.init) ?? id
            if let clone = children[base] { return clone }
            return names.contains(base) ? base : nil
        }
        var permanent: [String: [String: String]] = [:]
        for node in cib.descendant("configuration", "nodes")?.children("node") ?? [] {
            let name = node["uname"] ?? node["id"] ?? ""
            for (attribute, value, _) in node.nvpairs(in: "instance_attributes") { permanent[name, default: [:]][attribute] = value }
        }
        for node in nodeNames {
            var status = NodeStatus.offline
            status.standby = isOn(permanent[node]?["standby"])
            status.maintenance = isOn(permanent[node]?["maintenance"])
            state.nodes[node] = status
        }
        for nodeState in cib.child("status")?.children("node_state") ?? [] {
            guard let node = nodeState["uname"], nodeNames.contains(node) else { continue }
            var status = state.nodes[node] ?? .offline
            let controller = (nodeState["crmd"] ?? "").lowercased()
            status.online = (controller == "online" || controller == "member") && nodeState["join"] != "down" && nodeState["in_ccm"] != "false"
            var attributes: [String: String] = [:]
            for block in nodeState.children("transient_attributes") {
                for (attribute, value, _) in block.nvpairs(in: "instance_attributes") { attributes[attribute] = value }
            }
            var failcounts: [String: Int] = [:]
            var lastFailures: [String: Int] = [:]
            for (attribute, value) in attributes {
                if attribute == "standby" { status.standby = isOn(value); continue }
                if attribute == "maintenance" { status.maintenance = isOn(value); continue }
                if let resource = strip(attribute, prefix: "fail-count-").flatMap(resourceName) {
                    failcounts[resource, default: 0] += Score.parse(value)?.value ?? 0
                } else if let resource = strip(attribute, prefix: "last-failure-").flatMap(resourceName) {
                    lastFailures[resource] = max(lastFailures[resource] ?? 0, Int(value) ?? 0)
                } else if let resource = strip(attribute, prefix: "master-").flatMap(resourceName), let score = Score.parse(value) {
                    state.promotionScores[resource, default: [:]][node] = score
                } else if !attribute.hasPrefix("#") {
                    status.attributes[attribute] = value
                }
            }
            for (resource, count) in failcounts { state.failcounts[resource, default: [:]][node] = Score(count) }
            for (resource, seconds) in lastFailures {
                state.lastFailure[resource, default: [:]][node] = Timestamp(millisecondsSinceEpoch: Int64(seconds) * 1000)
            }
            state.nodes[node] = status
            guard status.online else { continue }
            for history in nodeState.descendant("lrm", "lrm_resources")?.children("lrm_resource") ?? [] {
                guard let id = history["id"] else { continue }
                guard let resource = resourceName(id) else {
                    if history["class"] != "stonith" { problems.append(ImportProblem(.note, history, "\(id) is not a translated resource; its history is left out")) }
                    continue
                }
                let promotable = config.resource(named: resource)?.isPromotable ?? false
                guard let instance = instanceState(history, promotable: promotable) else { continue }
                state.resources[resource, default: [:]][node, default: []].append(instance)
            }
        }
        return (state, problems)
    }

    /// The state an operation history leaves (`nil`: stopped).
    static func instanceState(_ history: CIBElement, promotable: Bool) -> InstanceState? {
        let operations = history.children("lrm_rsc_op").compactMap { op -> (Int, CIBElement)? in
            guard let call = op["call-id"].flatMap(Int.init), call >= 0 else { return nil }
            // Pending operations (op-status -1, rc 193) say nothing yet.
            if op["rc-code"] == "193" || op["op-status"] == "-1" { return nil }
            return (call, op)
        }.sorted { $0.0 < $1.0 }
        let running: InstanceState = promotable ? .unpromoted : .started
        var current: InstanceState?
        for (_, op) in operations {
            let rc = Int(op["rc-code"] ?? "") ?? -1
            let interval = Int(op["interval"] ?? "0") ?? 0
            switch (op["operation"] ?? "", rc) {
            case ("start", 0), ("migrate_from", 0): current = running
            case ("stop", 0), ("migrate_to", 0): current = nil
            case ("promote", 0): current = .promoted
            case ("demote", 0): current = running
            case ("monitor", 0): if interval == 0 || current == nil { current = current == .promoted ? .promoted : running }
            case ("monitor", 8): current = .promoted
            case ("monitor", 7): current = interval == 0 ? nil : (current == nil ? nil : .failed)
            case ("notify", _), ("meta-data", _), ("reload", _), ("reload-agent", _): break
            default: current = .failed
            }
        }
        return current
    }

    static func strip(_ text: String, prefix: String) -> String? {
        guard text.hasPrefix(prefix) else { return nil }
        // fail-count-RSC#OP_INTERVAL (2.x) or fail-count-RSC (1.x).
        return String(text.dropFirst(prefix.count).split(separator: "#").first ?? "")
    }

    static func isOn(_ value: String?) -> Bool {
        ["on", "true", "yes", "1"].contains((value ?? "").lowercased())
    }
}
