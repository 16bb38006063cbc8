import Foundation

/// Primitives, groups, clones, promotable clones and fence devices.
extension Translation {
    /// systemd and LSB services whose daemon runs in the foreground with this command (a
    /// `process` resource supervises its own child); others are not translated.
    static let foregroundCommands: [String: [String]] = [
        "haproxy": ["/usr/sbin/haproxy", "-Ws", "-f", "/etc/haproxy/haproxy.cfg"],
        "memcached": ["/usr/bin/memcached", "-u", "memcache"],
        "apache2": ["/usr/sbin/apache2ctl", "-D", "FOREGROUND"],
    ]

    mutating func readTopLevel(_ element: CIBElement) {
        switch element.name {
        case "primitive":
            readPrimitive(element)
        case "group":
            readGroup(element)
        case "clone", "master":
            readClone(element)
        case "template", "bundle":
            error(element, "<\(element.name)> is not translated")
        default:
            error(element, "<\(element.name)> is not a resource")
        }
    }

    mutating func readGroup(_ element: CIBElement) {
        guard let id = element["id"] else { return error(element, "a group without an id") }
        var members: [String] = []
        for child in element.children {
            guard child.name == "primitive" else {
                if child.name != "meta_attributes" && child.name != "instance_attributes" {
                    error(child, "a group holds primitives only")
                }
                continue
            }
            if let member = readPrimitive(child) { members.append(member) }
        }
        for (property, value, pair) in element.nvpairs(in: "meta_attributes") {
            switch property {
            case "target-role" where value.lowercased() == "started":
                break
            case "target-role", "resource-stickiness", "migration-threshold", "failure-timeout":
                // Pacemaker applies a group's meta attributes to its members.
                for index in resources.indices where members.contains(resources[index].name) {
                    var member = resources[index]
                    applyMeta(property, value, to: &member, pair)
                    resources[index] = member
                }
            default: error(pair, "group meta attribute \(property) is not translated")
            }
        }
        resourceNames[id] = id
        groups.append((id, members))
    }

    mutating func readClone(_ element: CIBElement) {
        guard let id = element["id"] else { return error(element, "a clone without an id") }
        let children = element.children.filter { $0.name == "primitive" || $0.name == "group" }
        guard children.count == 1, let child = children.first else {
            return error(element, "a clone holds exactly one primitive or group")
        }
        guard child.name == "primitive" else {
            return error(child, "a clone of a group is not translated: clone each member and colocate and order them")
        }
        var promotable = element.name == "master"
        var clone: [(String, String)] = []
        var promoted: String?
        var metas: [(String, String, CIBElement)] = []
        var ordered: CIBElement?
        for (property, value, pair) in element.nvpairs(in: "meta_attributes") {
            switch property {
            case "promotable": promotable = ["true", "yes", "1", "on"].contains(value.lowercased())
            case "clone-max": clone.append(("max", value))
            case "clone-node-max": clone.append(("per-node", value))
            case "promoted-max", "master-max": promoted = value
            case "promoted-node-max", "master-node-max":
                if value != "1" { error(pair, "\(property)=\(value) is not translated: Vigil promotes one instance per node") }
            case "notify":
                if ["true", "yes", "1", "on"].contains(value.lowercased()) {
                    if child["class"] == "ocf" {
                        clone.append(("notify", "true"))
                    } else {
                        note(pair, "notify=true: only OCF agents get notify actions; dropped for class \(child["class"] ?? "?")")
                    }
                }
            case "interleave":
                note(pair, "interleave=\(value): Vigil orders clone instances node by node where an order joins two clones")
            case "ordered":
                if ["true", "yes", "1", "on"].contains(value.lowercased()) { ordered = pair }
            case "globally-unique":
                if ["true", "yes", "1", "on"].contains(value.lowercased()) { error(pair, "globally unique clones are not translated") }
            default:
                metas.append((property, value, pair))
            }
        }
        if let ordered, promotable {
            note(ordered, "ordered=true: Vigil starts a promotable's instances in parallel")
        } else if ordered != nil {
            clone.append(("ordered", "true"))
        }
        guard var resource = primitiveEntry(child) else { return }
        if let childID = child["id"] { cloneChildren[childID] = id }
        resourceNames[id] = id
        resource.name = id
        if promotable {
            promotables.insert(id)
            resource.promotable = clone + (promoted.map { [("promoted-max", $0)] } ?? [])
        } else {
            resource.clone = clone
            if promoted != nil { note(element, "promoted-max on a clone that is not promotable is ignored") }
        }
        for (property, value, pair) in metas { applyMeta(property, value, to: &resource, pair) }
        resources.append(resource)
    }

    /// Reads a primitive; appends it (or a fence device) and returns its name.
    @discardableResult
    mutating func readPrimitive(_ element: CIBElement) -> String? {
        if element["class"] == "stonith" {
            readFenceDevice(element)
            return nil
        }
        guard let resource = primitiveEntry(element) else { return nil }
        resourceNames[resource.name] = resource.name
        resources.append(resource)
        return resource.name
    }

    /// The resource a primitive describes, with its parameters, operations and meta
    /// attributes.
    mutating func primitiveEntry(_ element: CIBElement) -> ResourceEntry? {
        guard let id = element["id"] else {
            error(element, "a primitive without an id")
            return nil
        }
        if element["template"] != nil {
            error(element, "a primitive made from a template is not translated")
            return nil
        }
        let type = element["type"] ?? ""
        var resource: ResourceEntry
        switch element["class"] ?? "" {
        case "ocf":
            guard let provider = element["provider"] else {
                error(element, "an ocf primitive without a provider")
                return nil
            }
            resource = ResourceEntry(name: id, agent: "ocf:\(provider):\(type)", element: element)
        case "systemd", "service", "lsb":
            guard let command = Self.foregroundCommands[type] else {
                error(element, "\(element["class"] ?? ""):\(type) is not translated: give Vigil a process resource with the service's foreground command, or an OCF agent")
                return nil
            }
            resource = ResourceEntry(name: id, agent: "process", element: element)
            resource.processCommand = command
            note(element, "\(element["class"] ?? ""):\(type) becomes a process resource running \(command.joined(separator: " ")) in the foreground (disable the unit so systemd does not start it too)")
        default:
            error(element, "class \(element["class"] ?? "(none)") is not translated")
            return nil
        }
        for (name, value, pair) in element.nvpairs(in: "instance_attributes") {
            if resource.processCommand != nil {
                error(pair, "parameter \(name) of a \(element["class"] ?? "") service is not translated")
            } else if !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                error(pair, "parameter \(name) is not translated: OCF parameter names are letters, digits and '_'")
            } else {
                resource.params.append((name, value))
            }
        }
        for (property, value, pair) in element.nvpairs(in: "meta_attributes") {
            applyMeta(property, value, to: &resource, pair)
        }
        readOperations(element, into: &resource)
        resource.migrationThreshold = resource.migrationThreshold ?? defaultMigrationThreshold
        resource.failureTimeout = resource.failureTimeout ?? defaultFailureTimeout
        return resource
    }

    mutating func readOperations(_ element: CIBElement, into resource: inout ResourceEntry) {
        for op in element.child("operations")?.children("op") ?? [] {
            let interval = op["interval"] ?? "0"
            let timeout = op["timeout"].flatMap(Self.duration)
            if op["timeout"] != nil && timeout == nil { error(op, "timeout \(op["timeout"] ?? "") is not a duration Vigil reads") }
            switch op["name"] ?? "" {
            case "monitor":
                guard !PacemakerDuration.isZero(interval) else { continue }
                guard let every = Self.duration(interval) else {
                    error(op, "interval \(interval) is not a duration Vigil reads")
                    continue
                }
                if let role = op["role"], !["Started", "Unpromoted", "Slave"].contains(role) {
                    if resource.monitor != nil {
                        note(op, "the \(role) monitor is not translated: Vigil monitors every instance at the one interval given")
                        continue
                    }
                }
                if resource.monitor == nil {
                    resource.monitor = (every, timeout ?? defaultOperationTimeout)
                } else {
                    note(op, "a second monitor is not translated: Vigil monitors at one interval")
                }
            case "stop":
                resource.stopTimeout = timeout
            case "start", "promote", "demote", "notify", "migrate_to", "migrate_from", "reload", "reload-agent":
                if let timeout { note(op, "the \(op["name"] ?? "") timeout (\(timeout)) is not carried over: Vigil uses its default") }
            default:
                error(op, "operation \(op["name"] ?? "") is not translated")
            }
            if let onFail = op["on-fail"], onFail != "restart" {
                note(op, "on-fail=\(onFail) is not carried over: a failed operation counts towards migration-threshold")
            }
        }
    }

    /// A meta attribute of a primitive or clone.
    mutating func applyMeta(_ property: String, _ value: String, to resource: inout ResourceEntry, _ pair: CIBElement) {
        switch property {
        case "target-role":
            switch value.lowercased() {
            case "started": break
            case "stopped": resource.targetRole = "stopped"
            case "unpromoted", "slave": resource.targetRole = "unpromoted"
            case "promoted", "master": resource.targetRole = "promoted"
            default: error(pair, "target-role \(value) is not translated")
            }
        case "resource-stickiness": resource.stickiness = value
        case "migration-threshold": resource.migrationThreshold = value
        case "failure-timeout":
            resource.failureTimeout = Self.duration(value)
            if resource.failureTimeout == nil { error(pair, "failure-timeout \(value) is not a duration Vigil reads") }
        case "is-managed":
            if ["false", "no", "0", "off"].contains(value.lowercased()) {
                error(pair, "an unmanaged resource is not translated: put its nodes in maintenance instead")
            }
        case "priority", "allow-migrate", "multiple-active", "requires", "critical", "container-attribute-target":
            note(pair, "\(property)=\(value) is not carried over")
        default:
            error(pair, "meta attribute \(property) is not translated")
        }
    }

    mutating func readFenceDevice(_ element: CIBElement) {
        guard let id = element["id"], let type = element["type"] else { return error(element, "a stonith primitive without an id or type") }
        var params: [(String, String)] = []
        var nodes: [String] = []
        var plugs: [(String, String)] = []
        var timeout: String?
        for (name, value, pair) in element.nvpairs(in: "instance_attributes") {
            switch name {
            case "pcmk_host_list":
                nodes = value.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            case "pcmk_host_map":
                for entry in value.split(whereSeparator: { $0 == ";" || $0 == " " || $0 == "," }) {
                    let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { continue }
                    plugs.append((parts[0], parts[1]))
                    if !nodes.contains(parts[0]) { nodes.append(parts[0]) }
                }
            case "pcmk_reboot_timeout", "pcmk_off_timeout", "power_timeout":
                timeout = Self.duration(value)
            case "passwd", "password":
                error(pair, "the password is not carried into the configuration: write it to a file (mode 600) and name it in the device's password-file")
            case "pcmk_host_check", "pcmk_delay_max", "pcmk_delay_base", "pcmk_monitor_timeout", "priority":
                note(pair, "\(name) is not carried over")
            default:
                if name.hasPrefix("pcmk_") {
                    error(pair, "\(name) is not translated")
                } else {
                    params.append((name, value))
                }
            }
        }
        if nodes.isEmpty {
            error(element, "a fence device without pcmk_host_list or pcmk_host_map is not translated: Vigil needs the nodes it fences")
            return
        }
        fenceDevices.append(FenceEntry(name: id, agent: type, params: params, nodes: nodes, plugs: plugs, timeout: timeout))
    }
}
