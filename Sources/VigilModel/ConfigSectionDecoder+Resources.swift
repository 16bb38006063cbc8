internal import Yams
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ConfigSectionDecoder {
    static let resourceKeys = ["name", "agent", "params", "node-params", "param-files", "clone", "promotable", "monitor", "health",
                               "migration-threshold", "failure-timeout", "stickiness", "target-role", "stop-timeout"]

    mutating func decodeResource(_ node: Node, _ path: String) -> ResourceConfig? {
        guard let fields = reader.mapping(node, path, allowed: Self.resourceKeys) else { return nil }
        let name = reader.required(fields, "name", "the resource's name").flatMap { reader.name($0, fields.childPath("name")) }
        var agent: ResourceAgentKind?
        if let value = reader.required(fields, "agent", "process, vip, galera, rabbitmq or ocf:<provider>:<type>"),
           let text = reader.string(value, fields.childPath("agent")) {
            agent = ResourceAgentKind.parse(text)
            if agent == nil {
                reader.error(value, fields.childPath("agent"), "expected process, vip, galera, rabbitmq or ocf:<provider>:<type>, got '\(text)'")
            }
        }
        var resource = ResourceConfig(name: name ?? "", agent: agent ?? .process)
        if let agent {
            resource.params = decodeParams(fields["params"], fields, agent: agent) ?? .other([:])
            if let value = fields["node-params"] {
                resource.nodeParams = decodeNodeParams(value, fields, agent: agent)
            }
            if let value = fields["param-files"] {
                switch agent {
                case .ocf, .galera, .rabbitmq:
                    resource.paramFiles = decodeSecretFiles(value, fields.childPath("param-files"), what: "parameter")
                    if case .ocf = agent {
                        // Exported as OCF_RESKEY_<name> like params: shell identifiers only.
                        for name in resource.paramFiles.keys.sorted() where !InputLimits.isOCFParameterName(name) {
                            reader.error(value, fields.childPath("param-files.\(name)"), "expected an OCF parameter name (letters, digits and '_', not starting with a digit), got '\(name)'")
                            resource.paramFiles[name] = nil
                        }
                    }
                case .process, .vip:
                    reader.error(value, fields.childPath("param-files"), "param-files is for ocf, galera and rabbitmq resources (a process takes params.env-files)")
                }
            }
        }
        if fields["clone"] != nil && fields["promotable"] != nil {
            reader.error(fields["promotable"], fields.childPath("promotable"), "a resource is either a clone or promotable, not both")
        } else if let value = fields["clone"] {
            resource.variant = decodeClone(value, fields.childPath("clone")).map { .clone($0) } ?? .primitive
        } else if let value = fields["promotable"] {
            resource.variant = decodePromotable(value, fields.childPath("promotable")).map { .promotable($0) } ?? .primitive
        }
        if let value = fields["monitor"], let monitor = decodeMonitor(value, fields.childPath("monitor")) {
            resource.monitor = monitor
        }
        if let value = fields["health"] {
            resource.health = decodeList(value, fields.childPath("health")) { decoder, item, itemPath in
                decoder.decodeProbe(item, itemPath)
            }.map(\.0)
        }
        if let value = fields["migration-threshold"], let score = reader.score(value, fields.childPath("migration-threshold")) {
            if score.value < 1 {
                reader.error(value, fields.childPath("migration-threshold"), "expected a whole number of at least 1 or INFINITY, got '\(score)'")
            } else {
                resource.migrationThreshold = score
            }
        }
        if let value = fields["failure-timeout"] {
            resource.failureTimeout = reader.duration(value, fields.childPath("failure-timeout"), within: InputLimits.Durations.failureExpiry)
        }
        if let value = fields["stickiness"] {
            resource.stickiness = reader.score(value, fields.childPath("stickiness"))
        }
        if let value = fields["stop-timeout"], let timeout = reader.duration(value, fields.childPath("stop-timeout"), within: InputLimits.Durations.timeout) {
            resource.stopTimeout = timeout
        }
        if let value = fields["target-role"], let role = reader.enumValue(value, fields.childPath("target-role"), TargetRole.self) {
            resource.targetRole = role
            if (role == .promoted || role == .unpromoted) && !resource.isPromotable {
                reader.error(value, fields.childPath("target-role"), "'\(role.rawValue)' applies only to promotable resources; expected stopped or started")
            }
        }
        guard name != nil, agent != nil else { return nil }
        return resource
    }

    mutating func decodeClone(_ node: Node, _ path: String) -> CloneOptions? {
        guard let fields = reader.mapping(node, path, allowed: ["max", "per-node", "notify", "ordered"]) else { return nil }
        var options = CloneOptions()
        if let value = fields["ordered"], let ordered = reader.bool(value, fields.childPath("ordered")) { options.ordered = ordered }
        if let value = fields["notify"], let notify = reader.bool(value, fields.childPath("notify")) { options.notify = notify }
        if let value = fields["max"] { options.max = reader.int(value, fields.childPath("max"), in: 1...100_000, what: "a whole number of at least 1") }
        if let value = fields["per-node"], let perNode = reader.int(value, fields.childPath("per-node"), in: 1...1000, what: "a whole number of at least 1") {
            options.perNode = perNode
        }
        return options
    }

    mutating func decodePromotable(_ node: Node, _ path: String) -> PromotableOptions? {
        guard let fields = reader.mapping(node, path, allowed: ["max", "per-node", "promoted-max", "notify"]) else { return nil }
        var options = PromotableOptions()
        if let value = fields["notify"], let notify = reader.bool(value, fields.childPath("notify")) { options.notify = notify }
        if let value = fields["max"] { options.max = reader.int(value, fields.childPath("max"), in: 1...100_000, what: "a whole number of at least 1") }
        if let value = fields["per-node"], let perNode = reader.int(value, fields.childPath("per-node"), in: 1...1000, what: "a whole number of at least 1") {
            options.perNode = perNode
        }
        if let value = fields["promoted-max"], let promotedMax = reader.int(value, fields.childPath("promoted-max"), in: 0...100_000, what: "a whole number of at least 0") {
            options.promotedMax = promotedMax
            if let max = options.max, promotedMax > max {
                reader.error(value, fields.childPath("promoted-max"), "expected at most max (\(max)), got \(promotedMax)")
            }
        }
        return options
    }

    mutating func decodeMonitor(_ node: Node, _ path: String) -> MonitorConfig? {
        guard let fields = reader.mapping(node, path, allowed: ["interval", "timeout"]) else { return nil }
        var monitor = MonitorConfig()
        if let value = fields["interval"], let interval = reader.duration(value, fields.childPath("interval"), within: InputLimits.Durations.interval) {
            monitor.interval = interval
        }
        if let value = fields["timeout"], let timeout = reader.duration(value, fields.childPath("timeout"), within: InputLimits.Durations.timeout) {
            monitor.timeout = timeout
        }
        return monitor
    }

    mutating func decodeParams(_ node: Node?, _ fields: YAMLReader.Fields, agent: ResourceAgentKind) -> ResourceParams? {
        decodeParams(node, path: fields.childPath("params"), agent: agent, fields: fields)
    }

    /// The parameters in `node` (at `path`) for `agent`; a missing mapping is reported as
    /// `params` missing from `fields` (nil: at `path`).
    mutating func decodeParams(_ node: Node?, path: String, agent: ResourceAgentKind, fields: YAMLReader.Fields?) -> ResourceParams? {
        func present(_ what: String) -> Node? {
            if let node { return node }
            if let fields { return reader.required(fields, "params", what) }
            reader.error(atPath: path, "missing; expected \(what)")
            return nil
        }
        switch agent {
        case .process:
            guard let node = present("params with a command: [argv...]") else { return nil }
            guard let params = reader.mapping(node, path, allowed: ["command", "env", "env-files", "cwd", "user", "log-file"]) else { return nil }
            guard let command = reader.required(params, "command", "the command as a list: [/usr/bin/prog, arg]").flatMap({
                reader.stringList($0, params.childPath("command"), nonEmpty: true)
            }) else { return nil }
            if let first = command.first, !first.hasPrefix("/") {
                reader.error(params["command"], params.childPath("command[0]"), "expected an absolute path to the program (commands never pass through a shell or PATH), got '\(first)'")
            }
            var result = ProcessParams(command: command)
            if let value = params["env"], let env = reader.stringMap(value, params.childPath("env")) {
                result.environment = env
                refuseInlineSecrets(
                    env, value, params.childPath("env"), instead: "put the value in a file readable only by root and name it under env-files")
            }
            if let value = params["env-files"] {
                result.environmentFiles = decodeSecretFiles(value, params.childPath("env-files"), what: "environment variable")
            }
            if let value = params["cwd"] { result.workingDirectory = reader.string(value, params.childPath("cwd"), what: "a directory path") }
            if let value = params["user"] { result.user = reader.name(value, params.childPath("user")) }
            if let value = params["log-file"] { result.logFile = reader.string(value, params.childPath("log-file"), what: "a file path") }
            return .process(result)
        case .vip:
            guard let node = present("params with ip, cidr and interface") else { return nil }
            guard let params = reader.mapping(node, path, allowed: ["ip", "cidr", "interface"]) else { return nil }
            let ip = reader.required(params, "ip", "an IPv4 or IPv6 address").flatMap { reader.string($0, params.childPath("ip"), what: "an address") }
            var family: IPAddressFamily?
            if let ip {
                family = IPAddressFamily.of(ip)
                if family == nil { reader.error(params["ip"], params.childPath("ip"), "expected an IPv4 or IPv6 address, got '\(ip)'") }
            }
            let maxPrefix = family == .ipv6 ? 128 : 32
            let cidr = reader.required(params, "cidr", "a prefix length").flatMap {
                reader.int($0, params.childPath("cidr"), in: 1...maxPrefix, what: "a prefix length from 1 to \(maxPrefix)")
            }
            let interface = reader.required(params, "interface", "a network interface name").flatMap {
                reader.string($0, params.childPath("interface"), what: "an interface name")
            }
            // Not starting with '-': `ip` would read it as an option (VIPExecutor refuses it too).
            if let interface, interface.isEmpty || interface.count > 15 || !interface.allSatisfy(\.isSafeNameCharacter) || interface.hasPrefix("-") {
                reader.error(params["interface"], params.childPath("interface"), "expected an interface name of at most 15 letters, digits, '-', '_' or '.', not starting with '-'")
            }
            guard let ip, let cidr, let interface, family != nil else { return nil }
            return .vip(VIPParams(ip: ip, cidr: cidr, interface: interface))
        case .galera:
            guard let node else { return .galera(GaleraParams(config: nil)) }
            guard let params = reader.mapping(
                node, path,
                allowed: ["config", "mariadbd", "user", "monitor-user", "password-file", "start-timeout", "stop-timeout", "accept-donor"])
            else { return nil }
            var result = GaleraParams(config: nil)
            if let value = params["config"] { result.config = absolutePath(value, params.childPath("config"), what: "the node's MariaDB option file") }
            if let value = params["mariadbd"], let path = absolutePath(value, params.childPath("mariadbd"), what: "the mariadbd binary") {
                result.mariadbd = path
            }
            if let value = params["user"], let user = reader.name(value, params.childPath("user")) { result.user = user }
            if let value = params["monitor-user"] { result.monitorUser = reader.string(value, params.childPath("monitor-user"), what: "an SQL account name") }
            if let value = params["password-file"] {
                result.passwordFile = absolutePath(value, params.childPath("password-file"), what: "a file holding the monitor account's password")
            }
            if let value = params["start-timeout"], let timeout = reader.duration(value, params.childPath("start-timeout"), within: InputLimits.Durations.timeout) {
                result.startTimeout = timeout
            }
            if let value = params["stop-timeout"], let timeout = reader.duration(value, params.childPath("stop-timeout"), within: InputLimits.Durations.timeout) {
                result.stopTimeout = timeout
            }
            if let value = params["accept-donor"], let accept = reader.bool(value, params.childPath("accept-donor")) { result.acceptDonor = accept }
            return .galera(result)
        case .rabbitmq:
            return decodeRabbitMQParams(node, path: path)
        case .ocf:
            guard let node else { return .other([:]) }
            guard case .mapping(let mapping) = node else {
                reader.error(node, path, "expected a mapping of parameter names to values")
                return nil
            }
            var result: [String: ParamValue] = [:]
            for (keyNode, value) in mapping {
                guard case .scalar(let key) = keyNode, !key.string.isEmpty,
                      key.string.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
                else {
                    reader.error(keyNode, path, "expected a parameter name of letters, digits, '_' and '-'")
                    continue
                }
                let keyPath = "\(path).\(key.string)"
                if case .ocf = agent, !InputLimits.isOCFParameterName(key.string) {
                    // The OCF executor exports it as OCF_RESKEY_<name> and refuses anything
                    // that is not a shell identifier.
                    reader.error(keyNode, keyPath, "expected an OCF parameter name (letters, digits and '_', not starting with a digit), got '\(key.string)'")
                    continue
                }
                if SecretShape.isSecretName(key.string) {
                    reader.error(
                        keyNode, keyPath,
                        "secrets must not be written in the configuration: put the value in a file readable only by root and name it under param-files: {\(key.string): /path/to/file}")
                    continue
                }
                if case .scalar(let scalar) = value, SecretShape.looksLikeCredential(scalar.string) {
                    reader.error(value, keyPath, "this value is a credential: put it in a file and name it under param-files: {\(key.string): /path/to/file}")
                    continue
                }
                if case .ocf = agent, case .scalar = value {} else if case .ocf = agent {
                    reader.error(value, keyPath, "expected a scalar value (OCF parameters are strings)")
                    continue
                }
                if let param = reader.paramValue(value, keyPath) { result[key.string] = param }
            }
            return .other(result)
        }
    }
}

extension ConfigSectionDecoder {
    /// Reports each entry of `map` (decoded from `node` at `path`) that is a secret by its
    /// name or its value, saying what to do `instead` (the file form).
    mutating func refuseInlineSecrets(_ map: [String: String], _ node: Node, _ path: String, instead: String) {
        for (name, text) in map.sorted(by: { $0.key < $1.key }) where SecretShape.isSecretName(name) || SecretShape.looksLikeCredential(text) {
            reader.error(
                node, "\(path).\(name)", "secrets must not be written in the configuration: \(instead): {\(name): /path/to/file}")
        }
    }

    /// `node-params: {NODE: {key: value}}`: for each node, its values merged over `params`
    /// and decoded as `params` are (errors name `node-params.NODE.key`). Whether each NODE is
    /// a configured node is checked with the other cross-references (``ConfigValidator``).
    mutating func decodeNodeParams(_ node: Node, _ fields: YAMLReader.Fields, agent: ResourceAgentKind) -> [String: ResourceParams] {
        let path = fields.childPath("node-params")
        guard case .mapping(let perNode) = node else {
            reader.error(node, path, "expected a mapping of node names to parameters: {NODE: {key: value}}")
            return [:]
        }
        var result: [String: ResourceParams] = [:]
        for (nodeKey, overrides) in perNode {
            guard let name = reader.name(nodeKey, path) else { continue }
            let nodePath = "\(path).\(name)"
            guard case .mapping(let over) = overrides else {
                reader.error(overrides, nodePath, "expected a mapping of parameters for node \(name)")
                continue
            }
            let overridden = Set(over.keys.compactMap(\.string))
            var pairs: [(Node, Node)] = []
            if case .mapping(let base)? = fields["params"] {
                for (key, value) in base where !overridden.contains(key.string ?? "") { pairs.append((key, value)) }
            }
            for (key, value) in over { pairs.append((key, value)) }
            let before = reader.diagnostics.count
            if let params = decodeParams(.mapping(Node.Mapping(pairs)), path: nodePath, agent: agent, fields: nil) {
                result[name] = params
            }
            // What is wrong with an inherited parameter is reported at params already.
            reader.dropDiagnostics(from: before) { diagnostic in
                guard diagnostic.path.hasPrefix(nodePath + ".") else { return false }
                let key = diagnostic.path.dropFirst(nodePath.count + 1).prefix { $0 != "." && $0 != "[" }
                return !overridden.contains(String(key))
            }
        }
        return result
    }

    /// An absolute file path (what `what` names), or nil after an error.
    mutating func absolutePath(_ node: Node, _ path: String, what: String) -> String? {
        guard let text = reader.string(node, path, what: what) else { return nil }
        guard text.hasPrefix("/"), !text.contains("\0"), !text.contains("\n") else {
            reader.error(node, path, "expected the absolute path of \(what), got '\(text)'")
            return nil
        }
        return text
    }

    /// A `*-files` mapping: name → absolute path of a file whose first line is the secret.
    mutating func decodeSecretFiles(_ node: Node, _ path: String, what: String) -> [String: String] {
        guard let map = reader.stringMap(node, path) else { return [:] }
        var result: [String: String] = [:]
        for (name, file) in map.sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                reader.error(node, "\(path).\(name)", "expected a \(what) name of letters, digits, '_' and '-'")
                continue
            }
            guard file.hasPrefix("/") else {
                reader.error(node, "\(path).\(name)", "expected the absolute path of the file that holds the value, got '\(file)'")
                continue
            }
            result[name] = file
        }
        return result
    }
}

/// IPv4 or IPv6, by the textual form of an address.
enum IPAddressFamily {
    case ipv4, ipv6

    /// The family of `text`, when it is an address `inet_pton` (what VIPExecutor checks
    /// with) accepts too: no leading zeros in IPv4 octets, a well-formed IPv6 tail.
    static func of(_ text: String) -> IPAddressFamily? {
        guard let family = shape(of: text) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(family == .ipv6 ? AF_INET6 : AF_INET, text, &buffer) == 1 ? family : nil
    }

    private static func shape(of text: String) -> IPAddressFamily? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ $0.count <= 3 && (Int($0).map { (0...255).contains($0) } ?? false) }) {
            return .ipv4
        }
        guard text.contains(":"), text.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        let chars = Array(text)
        let doubleColons = zip(chars, chars.dropFirst()).filter { $0 == ":" && $1 == ":" }.count
        guard doubleColons <= 1 else { return nil }
        let groups = text.split(separator: ":", omittingEmptySubsequences: true)
        guard groups.allSatisfy({ $0.count <= 4 || $0.contains(".") }) else { return nil }
        return groups.count <= 8 && (doubleColons == 1 || groups.count == 8) ? .ipv6 : nil
    }
}
