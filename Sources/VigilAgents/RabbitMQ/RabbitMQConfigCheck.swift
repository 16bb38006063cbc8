import Foundation

/// Checks of a RabbitMQ node's files, run before it starts and by
/// `vigil config validate` on the host: the cookie file, the server's scripts, and
/// `cluster_partition_handling = pause_minority` in its configuration file.
public enum RabbitMQConfigCheck {
    /// One problem: the parameter it is about, and what is wrong.
    public struct Problem: Sendable, Hashable {
        /// The parameter (`erlang-cookie-file`, `server-dir`, `env.RABBITMQ_CONFIG_FILE`).
        public var field: String
        /// What is wrong, naming the file.
        public var message: String
    }

    /// The problems of `spec`'s files (empty: it may start).
    public static func problems(_ spec: RabbitMQSpec) -> [Problem] {
        var problems: [Problem] = []
        if let failure = cookieProblem(spec.cookieFile) { problems.append(Problem(field: "erlang-cookie-file", message: failure)) }
        for tool in ["rabbitmq-server", "rabbitmqctl"] where !FileManager.default.isExecutableFile(atPath: spec.serverDirectory + "/" + tool) {
            problems.append(Problem(field: "server-dir", message: "\(spec.serverDirectory)/\(tool): not an executable file"))
        }
        let file = spec.configFile
        let field = "env.RABBITMQ_CONFIG_FILE"
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            if partitionHandling(text, erlangTerms: file.hasSuffix(".config")) != "pause_minority" {
                problems.append(Problem(
                    field: field,
                    message: "\(file): cluster_partition_handling must be pause_minority (a minority must stop taking messages), got \(partitionHandling(text, erlangTerms: file.hasSuffix(".config")) ?? "none (ignore)")"))
            }
        } else {
            problems.append(Problem(field: field, message: "\(file): cannot be read (it must set cluster_partition_handling = pause_minority)"))
        }
        return problems
    }

    /// Why the cookie file cannot be used, or nil.
    static func cookieProblem(_ path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return "\(path): no such file" }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "\(path): cannot be read" }
        let cookie = text.split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !cookie.isEmpty else { return "\(path): empty (expected the Erlang cookie on its first line)" }
        guard cookie.count <= 255, cookie.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            return "\(path): expected printable ASCII without spaces on its first line"
        }
        return nil
    }

    /// The `cluster_partition_handling` value of a configuration file (new style
    /// `key = value`, or Erlang terms for a `.config`); nil when not set.
    static func partitionHandling(_ text: String, erlangTerms: Bool) -> String? {
        if erlangTerms {
            guard let range = text.range(of: "cluster_partition_handling") else { return nil }
            let rest = text[range.upperBound...].drop { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }
            return String(rest.prefix { $0.isLetter || $0 == "_" })
        }
        var value: String?
        for line in text.split(separator: "\n") {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let parts = content.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "cluster_partition_handling" { value = parts[1] }
        }
        return value
    }

    /// The AMQP listener of the node: `listeners.tcp.*` of a new-style file, else
    /// `RABBITMQ_NODE_IP_ADDRESS`/`RABBITMQ_NODE_PORT`, else 127.0.0.1:5672. An address
    /// that listens everywhere is reached on 127.0.0.1.
    public static func amqpListener(_ spec: RabbitMQSpec) -> (host: String, port: Int) {
        var host = spec.environment["RABBITMQ_NODE_IP_ADDRESS"] ?? "127.0.0.1"
        var port = spec.environment["RABBITMQ_NODE_PORT"].flatMap { Int($0) } ?? 5672
        if !spec.configFile.hasSuffix(".config"), let text = try? String(contentsOfFile: spec.configFile, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, parts[0].hasPrefix("listeners.tcp.") else { continue }
                let value = parts[1]
                if let colon = value.lastIndex(of: ":"), let p = Int(value[value.index(after: colon)...]) {
                    port = p
                    host = String(value[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                } else if let p = Int(value) {
                    port = p
                }
                break
            }
        }
        if host.isEmpty || host == "0.0.0.0" || host == "::" { host = "127.0.0.1" }
        return (host, port)
    }
}
