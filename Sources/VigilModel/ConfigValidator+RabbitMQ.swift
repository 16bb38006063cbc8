extension ConfigValidator {
    /// A `rabbitmq` resource is a clone with one instance per node (DESIGN.md "RabbitMQ");
    /// every node it may run on has an Erlang node name of its own, and the cookie and the monitor
    /// password come from files.
    mutating func validateRabbitMQ(_ resource: ResourceConfig, path: String, into reader: inout YAMLReader) {
        guard case .rabbitmq(let params) = resource.params else { return }
        switch resource.variant {
        case .primitive:
            reader.error(atPath: path, "a rabbitmq resource is a clone, one instance per node; expected clone: {max: N} (N: the number of RabbitMQ nodes)")
        case .promotable:
            reader.error(atPath: path + ".promotable", "a rabbitmq resource is a clone, one instance per node, not promotable; expected clone: {max: N}")
        case .clone(let options) where options.perNode != 1:
            reader.error(atPath: path + ".clone.per-node", "expected 1 for a rabbitmq resource (one RabbitMQ node per host), got \(options.perNode)")
        case .clone:
            break
        }
        let reported = Set(reader.diagnostics.map(\.path))
        var lackingCookie: [String] = []
        var lackingPassword: [String] = []
        var owners: [String: String] = [:]
        for node in config.nodesAllowed(for: resource).map(\.name) {
            guard case .rabbitmq(let resolved) = resource.resolved(on: node).params else { continue }
            let name = resolved.nodename(on: node)
            if let other = owners[name] {
                reader.error(
                    atPath: "\(path).node-params.\(node).nodename",
                    "node \(node) has the same RabbitMQ node name as node \(other) ('\(name)'); each node needs its own")
            } else {
                owners[name] = node
            }
            if resolved.erlangCookieFile == nil && !reported.contains(path + ".params.erlang-cookie-file")
                && !reported.contains("\(path).node-params.\(node).erlang-cookie-file") {
                lackingCookie.append(node)
            }
            if resolved.passwordFile == nil && !reported.contains(path + ".params.password-file")
                && !reported.contains("\(path).node-params.\(node).password-file") {
                lackingPassword.append(node)
            }
        }
        func which(_ nodes: [String], _ key: String) -> String {
            nodes.count == 1 ? "node-params.\(nodes[0]).\(key) for node \(nodes[0])" : "node-params.<node>.\(key) for nodes \(nodes.joined(separator: ", "))"
        }
        if !lackingCookie.isEmpty {
            reader.error(
                atPath: path + ".params.erlang-cookie-file",
                "missing; expected the file holding the Erlang cookie (params.erlang-cookie-file, or \(which(lackingCookie, "erlang-cookie-file")))")
        }
        if !lackingPassword.isEmpty {
            reader.error(
                atPath: path + ".params.password-file",
                "missing; expected the file holding the password of monitor-user '\(params.monitorUser)' for the AMQP round trip (params.password-file, or \(which(lackingPassword, "password-file")))")
        }
    }
}
