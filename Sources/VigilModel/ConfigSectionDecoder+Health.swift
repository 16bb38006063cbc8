internal import Yams

extension ConfigSectionDecoder {
    static let probeKinds = ["tcp", "http", "exec", "mysql", "galera", "amqp"]

    mutating func decodeProbe(_ node: Node, _ path: String) -> HealthProbeConfig? {
        guard let fields = reader.mapping(node, path, allowed: Self.probeKinds + ["interval", "timeout", "rise", "fall"])
        else { return nil }
        let kinds = fields.entries.filter { Self.probeKinds.contains($0.key) }
        guard kinds.count == 1, let kind = kinds.first else {
            reader.error(node, path, kinds.isEmpty
                ? "expected one probe kind: \(Self.probeKinds.joined(separator: ", "))"
                : "expected exactly one probe kind per entry, got \(kinds.map(\.key).joined(separator: " and "))")
            return nil
        }
        let kindPath = fields.childPath(kind.key)
        let check: HealthCheck?
        switch kind.key {
        case "tcp": check = decodeTCP(kind.value, kindPath)
        case "http": check = decodeHTTP(kind.value, kindPath)
        case "exec": check = decodeExec(kind.value, kindPath)
        case "mysql": check = decodeMySQL(kind.value, kindPath)
        case "galera": check = decodeGalera(kind.value, kindPath)
        default: check = decodeAMQP(kind.value, kindPath)
        }
        guard let check else { return nil }
        var probe = HealthProbeConfig(check: check)
        if let value = fields["interval"], let interval = reader.duration(value, fields.childPath("interval"), within: InputLimits.Durations.interval) {
            probe.interval = interval
        }
        if let value = fields["timeout"], let timeout = reader.duration(value, fields.childPath("timeout"), within: InputLimits.Durations.timeout) {
            probe.timeout = timeout
        }
        if let value = fields["rise"], let rise = reader.int(value, fields.childPath("rise"), in: 1...1000, what: "a whole number of at least 1") { probe.rise = rise }
        if let value = fields["fall"], let fall = reader.int(value, fields.childPath("fall"), in: 1...1000, what: "a whole number of at least 1") { probe.fall = fall }
        return probe
    }

    mutating func port(_ fields: YAMLReader.Fields, default defaultPort: Int?) -> Int? {
        guard let value = fields["port"] else {
            if defaultPort == nil { reader.error(fields.node, fields.childPath("port"), "missing; expected a port from 1 to 65535") }
            return defaultPort
        }
        return reader.int(value, fields.childPath("port"), in: 1...65535, what: "a port from 1 to 65535")
    }

    mutating func decodeTCP(_ node: Node, _ path: String) -> HealthCheck? {
        guard let fields = reader.mapping(node, path, allowed: ["host", "port"]) else { return nil }
        let host = fields["host"].flatMap { reader.string($0, fields.childPath("host"), what: "a host") } ?? "127.0.0.1"
        guard let port = port(fields, default: nil) else { return nil }
        return .tcp(TCPCheck(host: host, port: port))
    }

    mutating func decodeHTTP(_ node: Node, _ path: String) -> HealthCheck? {
        guard let fields = reader.mapping(node, path, allowed: ["url", "expect-status", "expect-body", "headers", "header-files", "ca-file", "insecure"])
        else { return nil }
        guard let url = reader.required(fields, "url", "an http:// or https:// URL").flatMap({ reader.string($0, fields.childPath("url"), what: "a URL") })
        else { return nil }
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > 8 else {
            reader.error(fields["url"], fields.childPath("url"), "expected an http:// or https:// URL, got '\(url)'")
            return nil
        }
        if SecretShape.urlHasCredentials(url) {
            reader.error(
                fields["url"], fields.childPath("url"),
                "credentials must not be written in a URL: put the Authorization header's value in a file and name it under header-files: {Authorization: /path/to/file}")
            return nil
        }
        var check = HTTPCheck(url: url)
        if let value = fields["expect-status"], let status = reader.int(value, fields.childPath("expect-status"), in: 100...599, what: "an HTTP status from 100 to 599") {
            check.expectStatus = status
        }
        if let value = fields["expect-body"] { check.expectBody = reader.string(value, fields.childPath("expect-body"), what: "a regular expression") }
        if let value = fields["headers"], let headers = reader.stringMap(value, fields.childPath("headers")) {
            check.headers = headers
            refuseInlineSecrets(headers, value, fields.childPath("headers"), instead: "put the header's value in a file and name it under header-files")
        }
        if let value = fields["header-files"] {
            check.headerFiles = decodeSecretFiles(value, fields.childPath("header-files"), what: "header")
        }
        if let value = fields["ca-file"] { check.caFile = reader.string(value, fields.childPath("ca-file"), what: "a file path") }
        if let value = fields["insecure"], let insecure = reader.bool(value, fields.childPath("insecure")) { check.insecure = insecure }
        return .http(check)
    }

    mutating func decodeExec(_ node: Node, _ path: String) -> HealthCheck? {
        guard let fields = reader.mapping(node, path, allowed: ["command", "expect-exit"]) else { return nil }
        guard let command = reader.required(fields, "command", "the command as a list: [/usr/bin/check, arg]").flatMap({
            reader.stringList($0, fields.childPath("command"), nonEmpty: true)
        }) else { return nil }
        if let first = command.first, !first.hasPrefix("/") {
            reader.error(fields["command"], fields.childPath("command[0]"), "expected an absolute path to the program, got '\(first)'")
        }
        var check = ExecCheck(command: command)
        if let value = fields["expect-exit"], let code = reader.int(value, fields.childPath("expect-exit"), in: 0...255, what: "an exit status from 0 to 255") {
            check.expectExit = Int32(code)
        }
        return .exec(check)
    }

    mutating func decodeEndpoint(_ fields: YAMLReader.Fields) -> SQLEndpoint? {
        let user = reader.required(fields, "user", "the user to log in as").flatMap { reader.string($0, fields.childPath("user"), what: "a user name") }
        var endpoint = SQLEndpoint(user: user ?? "")
        if let value = fields["host"], let host = reader.string(value, fields.childPath("host"), what: "a host") { endpoint.host = host }
        if let port = port(fields, default: 3306) { endpoint.port = port }
        if let value = fields["socket"] { endpoint.socket = reader.string(value, fields.childPath("socket"), what: "a socket path") }
        if let value = fields["password-file"] { endpoint.passwordFile = reader.string(value, fields.childPath("password-file"), what: "a file path") }
        return user == nil ? nil : endpoint
    }

    mutating func decodeMySQL(_ node: Node, _ path: String) -> HealthCheck? {
        guard let fields = reader.mapping(node, path, allowed: ["host", "port", "socket", "user", "password-file", "query", "expect"])
        else { return nil }
        guard let endpoint = decodeEndpoint(fields) else { return nil }
        var check = MySQLCheck(endpoint: endpoint)
        if let value = fields["query"], let query = reader.string(value, fields.childPath("query"), what: "a SQL query") { check.query = query }
        if let value = fields["expect"] { check.expect = reader.string(value, fields.childPath("expect"), what: "the expected value") }
        return .mysql(check)
    }

    mutating func decodeGalera(_ node: Node, _ path: String) -> HealthCheck? {
        guard let fields = reader.mapping(node, path, allowed: ["host", "port", "socket", "user", "password-file", "accept-donor"])
        else { return nil }
        guard let endpoint = decodeEndpoint(fields) else { return nil }
        var check = GaleraCheck(endpoint: endpoint)
        if let value = fields["accept-donor"], let accept = reader.bool(value, fields.childPath("accept-donor")) { check.acceptDonor = accept }
        return .galera(check)
    }

    mutating func decodeAMQP(_ node: Node, _ path: String) -> HealthCheck? {
        guard let fields = reader.mapping(node, path, allowed: ["host", "port", "vhost", "user", "password-file"]) else { return nil }
        let user = reader.required(fields, "user", "the user to log in as").flatMap { reader.string($0, fields.childPath("user"), what: "a user name") }
        var check = AMQPCheck(user: user ?? "")
        if let value = fields["host"], let host = reader.string(value, fields.childPath("host"), what: "a host") { check.host = host }
        if let port = port(fields, default: 5672) { check.port = port }
        if let value = fields["vhost"], let vhost = reader.string(value, fields.childPath("vhost"), what: "a virtual host") { check.vhost = vhost }
        if let value = fields["password-file"] { check.passwordFile = reader.string(value, fields.childPath("password-file"), what: "a file path") }
        return user == nil ? nil : .amqp(check)
    }
}
