internal import Yams

extension ConfigSectionDecoder {
    static let rabbitMQKeys = [
        "nodename", "env", "erlang-cookie-file", "server-dir", "monitor-user", "password-file", "start-timeout", "stop-timeout", "policies",
    ]

    /// `params` of a `rabbitmq` resource (DESIGN.md "RabbitMQ").
    mutating func decodeRabbitMQParams(_ node: Node?, path: String) -> ResourceParams? {
        guard let node else { return .rabbitmq(RabbitMQParams()) }
        guard let params = reader.mapping(node, path, allowed: Self.rabbitMQKeys) else { return nil }
        var result = RabbitMQParams()
        if let value = params["nodename"], let name = reader.string(value, params.childPath("nodename"), what: "an Erlang node name, rabbit@HOST") {
            let parts = name.split(separator: "@", omittingEmptySubsequences: false)
            let valid = parts.count == 2 && parts.allSatisfy { part in
                !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }
            }
            if valid {
                result.nodename = name
            } else {
                reader.error(value, params.childPath("nodename"), "expected an Erlang node name NAME@HOST (letters, digits, '_', '-', '.'), got '\(name)'")
            }
        }
        if let value = params["env"], let env = reader.stringMap(value, params.childPath("env")) {
            for (name, text) in env.sorted(by: { $0.key < $1.key }) {
                if !RabbitMQParams.isEnvironmentName(name) {
                    reader.error(value, params.childPath("env.\(name)"), "expected a RABBITMQ_* or ERL_* variable, got '\(name)'")
                } else if name == "RABBITMQ_NODENAME" {
                    reader.error(value, params.childPath("env.\(name)"), "give the node name as params.nodename, not in env")
                } else if name == "RABBITMQ_ERLANG_COOKIE" {
                    reader.error(value, params.childPath("env.\(name)"), "secrets must not be written in the configuration: name the cookie's file as erlang-cookie-file")
                } else if text.contains("\0") {
                    reader.error(value, params.childPath("env.\(name)"), "expected a value without NUL characters")
                } else {
                    result.environment[name] = text
                }
            }
            refuseInlineSecrets(
                env.filter { $0.key != "RABBITMQ_ERLANG_COOKIE" }, value, params.childPath("env"),
                instead: "RabbitMQ takes no secrets through env here; the cookie comes from erlang-cookie-file")
        }
        if let value = params["erlang-cookie-file"] {
            result.erlangCookieFile = absolutePath(value, params.childPath("erlang-cookie-file"), what: "the file holding the Erlang cookie")
        }
        if let value = params["server-dir"], let dir = absolutePath(value, params.childPath("server-dir"), what: "the directory of rabbitmq-server and rabbitmqctl") {
            result.serverDirectory = dir
        }
        if let value = params["monitor-user"], let user = reader.string(value, params.childPath("monitor-user"), what: "an AMQP user name") {
            result.monitorUser = user
        }
        if let value = params["password-file"] {
            result.passwordFile = absolutePath(value, params.childPath("password-file"), what: "a file holding the monitor account's password")
        }
        if let value = params["start-timeout"], let timeout = reader.duration(value, params.childPath("start-timeout"), within: InputLimits.Durations.timeout) {
            result.startTimeout = timeout
        }
        if let value = params["stop-timeout"], let timeout = reader.duration(value, params.childPath("stop-timeout"), within: InputLimits.Durations.timeout) {
            result.stopTimeout = timeout
        }
        if let value = params["policies"] {
            result.policies = decodeList(value, params.childPath("policies")) { decoder, item, itemPath in
                decoder.decodeRabbitMQPolicy(item, itemPath)
            }.map(\.0)
            var seen: Set<String> = []
            for (index, policy) in result.policies.enumerated() where !seen.insert(policy.name).inserted {
                reader.error(atPath: params.childPath("policies[\(index)].name"), "duplicate policy name '\(policy.name)'")
            }
        }
        return .rabbitmq(result)
    }

    private mutating func decodeRabbitMQPolicy(_ node: Node, _ path: String) -> RabbitMQPolicy? {
        guard let fields = reader.mapping(node, path, allowed: ["name", "pattern", "definition", "apply-to", "priority"]) else { return nil }
        let name = reader.required(fields, "name", "the policy's name").flatMap { reader.name($0, fields.childPath("name")) }
        let pattern = reader.required(fields, "pattern", "a regular expression of queue or exchange names").flatMap {
            reader.string($0, fields.childPath("pattern"), what: "a regular expression")
        }
        var definition: [String: ParamValue]?
        if let value = reader.required(fields, "definition", "the policy's keys and values, e.g. {max-length: 1000}") {
            if case .map(let map)? = reader.paramValue(value, fields.childPath("definition")), !map.isEmpty {
                definition = map
            } else {
                reader.error(value, fields.childPath("definition"), "expected a non-empty mapping of policy keys to values, e.g. {max-length: 1000}")
            }
        }
        var policy = RabbitMQPolicy(name: name ?? "", pattern: pattern ?? "", definition: definition ?? [:])
        if let value = fields["apply-to"], let target = reader.string(value, fields.childPath("apply-to"), what: "queues, exchanges or all") {
            if ["queues", "exchanges", "all"].contains(target) {
                policy.applyTo = target
            } else {
                reader.error(value, fields.childPath("apply-to"), "expected queues, exchanges or all, got '\(target)'")
            }
        }
        if let value = fields["priority"], let priority = reader.int(value, fields.childPath("priority"), in: 0...1_000_000, what: "a whole number of at least 0") {
            policy.priority = priority
        }
        guard name != nil, pattern != nil, definition != nil else { return nil }
        return policy
    }
}
