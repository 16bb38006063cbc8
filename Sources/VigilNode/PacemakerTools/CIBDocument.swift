/// The cluster written as Pacemaker's tools show it, for agents that read `cibadmin -Q` and
/// `crm_mon --output-as=xml` (with xmllint or grep): a CIB whose `nodes` section holds the
/// permanent attributes and whose `status` section holds each node's state and transient
/// attributes; `crm_mon`'s node and resource lists. Node IDs are positions in `nodes:`
/// (from 1); a resource's ID is its Vigil name, a clone's children carry it too (as
/// anonymous clone instances do), inside `<clone id="NAME-clone">`.
enum CIBDocument {
    /// The CIB (`cibadmin -Q`).
    static func cib(_ cluster: ClusterMembers) -> String {
        let dc = cluster.coordinator.flatMap { id(of: $0, in: cluster) } ?? ""
        var lines = [#"<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="\#(cluster.quorum ? "1" : "0")" dc-uuid="\#(dc)">"#]
        lines.append("  <configuration>")
        lines.append("    <crm_config/>")
        lines.append("    <nodes>")
        for (index, node) in cluster.nodes.enumerated() {
            let id = index + 1
            if node.attributes.isEmpty {
                lines.append(#"      <node id="\#(id)" uname="\#(escape(node.name))"/>"#)
            } else {
                lines.append(#"      <node id="\#(id)" uname="\#(escape(node.name))">"#)
                lines.append(#"        <instance_attributes id="nodes-\#(id)">"#)
                for name in node.attributes.keys.sorted() {
                    lines.append(nvpair(id: "nodes-\(id)-\(name)", name: name, value: node.attributes[name] ?? "", indent: 10))
                }
                lines.append("        </instance_attributes>")
                lines.append("      </node>")
            }
        }
        lines.append("    </nodes>")
        lines.append("    <resources/>")
        lines.append("    <constraints/>")
        lines.append("  </configuration>")
        lines.append("  <status>")
        for (index, node) in cluster.nodes.enumerated() where node.member || node.unclean {
            let id = index + 1
            let online = node.member ? "online" : "offline"
            lines.append(
                #"    <node_state id="\#(id)" uname="\#(escape(node.name))" in_ccm="\#(node.member)" crmd="\#(online)" join="\#(node.member ? "member" : "down")" expected="member">"#)
            lines.append(#"      <transient_attributes id="\#(id)">"#)
            lines.append(#"        <instance_attributes id="status-\#(id)">"#)
            for name in node.transient.keys.sorted() {
                lines.append(nvpair(id: "status-\(id)-\(name)", name: name, value: node.transient[name] ?? "", indent: 10))
            }
            lines.append("        </instance_attributes>")
            lines.append("      </transient_attributes>")
            lines.append("    </node_state>")
        }
        lines.append("  </status>")
        lines.append("</cib>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `crm_mon -1 --output-as=xml` (`legacy`: `--as-xml`, whose roles are Master/Slave).
    static func monitor(_ cluster: ClusterMembers, legacy: Bool) -> String {
        var lines: [String] = []
        if legacy {
            lines.append(#"<crm_mon version="2.1.5">"#)
        } else {
            lines.append(#"<pacemaker-result api-version="2.25" request="crm_mon --output-as=xml">"#)
        }
        lines.append("  <summary>")
        lines.append(#"    <current_dc present="\#(cluster.coordinator != nil)" name="\#(escape(cluster.coordinator ?? ""))" with_quorum="\#(cluster.quorum)"/>"#)
        lines.append(#"    <nodes_configured number="\#(cluster.nodes.count)"/>"#)
        lines.append("  </summary>")
        lines.append("  <nodes>")
        for (index, node) in cluster.nodes.enumerated() {
            let running = cluster.resources.filter { resource in
                guard let state = resource.states[node.name] else { return false }
                return state != "stopped"
            }.count
            lines.append(
                #"    <node name="\#(escape(node.name))" id="\#(index + 1)" online="\#(node.member)" standby="\#(node.standby)" standby_onfail="false" maintenance="\#(node.maintenance)" pending="false" unclean="\#(node.unclean)" shutdown="false" expected_up="\#(node.member)" is_dc="\#(cluster.coordinator == node.name)" resources_running="\#(running)" type="member"/>"#)
        }
        lines.append("  </nodes>")
        lines.append("  <resources>")
        for resource in cluster.resources {
            let instances = resource.states.filter { $0.value != "stopped" }.sorted { $0.key < $1.key }
            if resource.clone {
                lines.append(
                    #"    <clone id="\#(escape(resource.name))-clone" multi_state="\#(resource.promotable)" unique="false" managed="true" failed="\#(instances.contains { $0.value == "failed" })" failure_ignored="false">"#)
                for (node, state) in instances {
                    lines += resourceLines(resource, state: state, nodes: [node], cluster: cluster, legacy: legacy, indent: 6)
                }
                if instances.isEmpty {
                    lines += resourceLines(resource, state: "stopped", nodes: [], cluster: cluster, legacy: legacy, indent: 6)
                }
                lines.append("    </clone>")
            } else {
                let state = instances.first?.value ?? "stopped"
                lines += resourceLines(resource, state: state, nodes: instances.map(\.key), cluster: cluster, legacy: legacy, indent: 4)
            }
        }
        lines.append("  </resources>")
        if !legacy { lines.append(#"  <status code="0" message="OK"/>"#) }
        lines.append(legacy ? "</crm_mon>" : "</pacemaker-result>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `crm_mon -1` as text: the nodes online and offline, each resource and where it runs.
    static func monitorText(_ cluster: ClusterMembers) -> String {
        var lines = ["Cluster Summary:", "  * Current DC: \(cluster.coordinator ?? "NONE")", "  * \(cluster.nodes.count) nodes configured", "", "Node List:"]
        let online = cluster.nodes.filter { $0.member && !$0.standby }.map(\.name)
        let standby = cluster.nodes.filter { $0.member && $0.standby }.map(\.name)
        let offline = cluster.nodes.filter { !$0.member }.map(\.name)
        if !online.isEmpty { lines.append("  * Online: [ \(online.joined(separator: " ")) ]") }
        for name in standby { lines.append("  * Node \(name): standby") }
        if !offline.isEmpty { lines.append("  * OFFLINE: [ \(offline.joined(separator: " ")) ]") }
        lines += ["", "Full List of Resources:"]
        for resource in cluster.resources {
            let placed = resource.states.filter { $0.value != "stopped" }.sorted { $0.key < $1.key }
            let text = placed.isEmpty ? "Stopped" : placed.map { "\(role($0.value, promotable: resource.promotable, legacy: false)) \($0.key)" }.joined(separator: ", ")
            lines.append("  * \(resource.name)\t(\(resource.agent)):\t \(text)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func resourceLines(
        _ resource: ClusterMembers.Resource, state: String, nodes: [String], cluster: ClusterMembers, legacy: Bool, indent: Int
    ) -> [String] {
        let pad = String(repeating: " ", count: indent)
        let active = state != "stopped"
        let open =
            #"\#(pad)<resource id="\#(escape(resource.name))" resource_agent="\#(escape(resource.agent))" role="\#(role(state, promotable: resource.promotable, legacy: legacy))" active="\#(active)" orphaned="false" blocked="false" managed="true" failed="\#(state == "failed")" failure_ignored="false" nodes_running_on="\#(nodes.count)""#
        guard !nodes.isEmpty else { return [open + "/>"] }
        var lines = [open + ">"]
        for node in nodes {
            let id = cluster.nodes.firstIndex { $0.name == node }.map { String($0 + 1) } ?? node
            lines.append(#"\#(pad)  <node name="\#(escape(node))" id="\#(id)" cached="true"/>"#)
        }
        lines.append("\(pad)</resource>")
        return lines
    }

    /// Pacemaker's role name for a Vigil state.
    static func role(_ state: String, promotable: Bool, legacy: Bool) -> String {
        switch state {
        case "promoted": legacy ? "Master" : "Promoted"
        case "unpromoted": legacy ? "Slave" : "Unpromoted"
        case "started", "failed": promotable ? (legacy ? "Slave" : "Unpromoted") : "Started"
        case "starting": "Starting"
        case "stopping": "Stopping"
        default: "Stopped"
        }
    }

    private static func id(of node: String, in cluster: ClusterMembers) -> String? {
        cluster.nodes.firstIndex { $0.name == node }.map { String($0 + 1) }
    }

    private static func nvpair(id: String, name: String, value: String, indent: Int) -> String {
        String(repeating: " ", count: indent) + #"<nvpair id="\#(escape(id))" name="\#(escape(name))" value="\#(escape(value))"/>"#
    }

    /// `text` as an XML attribute value.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
