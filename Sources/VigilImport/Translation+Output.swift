/// The translation written as a Vigil configuration.
extension Translation {
    func output() -> String {
        var out = YAMLLines()
        out.add("# Imported from a Pacemaker CIB by vigil import.")
        out.add("cluster:")
        out.add("  name: \(YAMLLines.scalar(name))")
        if let noQuorumPolicy { out.add("  no-quorum-policy: \(noQuorumPolicy)") }
        out.add("  fencing: \(!stonithEnabled ? "disabled" : fenceDevices.isEmpty ? "self" : "devices")")
        if let stickiness = stickiness.flatMap(Self.score) { out.add("  stickiness: \(stickiness)") }
        out.add("nodes:")
        for node in nodes {
            if node.attributes.isEmpty {
                out.add("  - {name: \(YAMLLines.scalar(node.name))}")
            } else {
                out.add("  - {name: \(YAMLLines.scalar(node.name)), attributes: \(YAMLLines.map(node.attributes))}")
            }
        }
        if !resources.isEmpty {
            out.add("resources:")
            for resource in resources { write(resource, to: &out) }
        }
        if !groups.isEmpty {
            out.add("groups:")
            for group in groups {
                out.add("  - {name: \(YAMLLines.scalar(group.name)), members: \(YAMLLines.list(group.members))}")
            }
        }
        if !constraints.isEmpty {
            out.add("constraints:")
            for constraint in constraints { out.add(constraint) }
        }
        if !fenceDevices.isEmpty {
            out.add("fence-devices:")
            for device in fenceDevices {
                out.add("  - name: \(YAMLLines.scalar(device.name))")
                out.add("    agent: \(YAMLLines.scalar(device.agent))")
                if !device.params.isEmpty { out.add("    params: \(YAMLLines.map(device.params))") }
                out.add("    nodes: \(YAMLLines.list(device.nodes))")
                if !device.plugs.isEmpty { out.add("    plugs: \(YAMLLines.map(device.plugs))") }
                if let timeout = device.timeout { out.add("    timeout: \(timeout)") }
            }
        }
        return out.text
    }

    func write(_ resource: ResourceEntry, to out: inout YAMLLines) {
        out.add("  - name: \(YAMLLines.scalar(resource.name))")
        out.add("    agent: \(YAMLLines.scalar(resource.agent))")
        if let command = resource.processCommand {
            out.add("    params: {command: \(YAMLLines.list(command))}")
        } else if !resource.params.isEmpty {
            out.add("    params: \(YAMLLines.map(resource.params))")
        }
        if let clone = resource.clone {
            out.add("    clone: {\(clone.map { "\($0.0): \($0.1)" }.joined(separator: ", "))}")
        }
        if let promotable = resource.promotable {
            out.add("    promotable: {\(promotable.map { "\($0.0): \($0.1)" }.joined(separator: ", "))}")
        }
        if let monitor = resource.monitor {
            out.add("    monitor: {interval: \(monitor.interval)\(monitor.timeout.map { ", timeout: \($0)" } ?? "")}")
        }
        if let stickiness = resource.stickiness.flatMap(Self.score) { out.add("    stickiness: \(stickiness)") }
        if let threshold = resource.migrationThreshold.flatMap(Self.score) { out.add("    migration-threshold: \(threshold)") }
        if let timeout = resource.failureTimeout { out.add("    failure-timeout: \(timeout)") }
        if let role = resource.targetRole { out.add("    target-role: \(role)") }
        if let timeout = resource.stopTimeout { out.add("    stop-timeout: \(timeout)") }
    }
}
