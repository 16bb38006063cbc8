import Foundation

/// A MariaDB option file as `mariadbd --defaults-file=FILE` reads it: the groups the
/// server reads (`[mysqld]`, `[server]`, `[mariadb]`, `[mariadbd]`, `[galera]`, and their
/// `-10.11` forms), `!include` and `!includedir`, the last setting of an option winning,
/// `-` and `_` in names being the same. Vigil reads it and never writes it.
public struct MariaDBOptionFile: Sendable, Hashable {
    /// Where an option was set.
    public struct Setting: Sendable, Hashable {
        /// Its value (quotes removed; empty for a bare `option`).
        public var value: String
        /// The file that set it.
        public var file: String
        /// The line (1-based).
        public var line: Int
    }

    /// A `host:port` of `wsrep_cluster_address` or `gmcast.listen_addr`.
    public struct GroupAddress: Sendable, Hashable, CustomStringConvertible {
        /// The host or address.
        public var host: String
        /// The Galera group port.
        public var port: Int
        /// `host:port`.
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// Galera's default group port.
    public static let defaultGroupPort = 4567

    /// The file given.
    public var path: String
    /// Normalised option name (`_` for `-`, lower case) → its last setting.
    public var settings: [String: Setting]

    /// The groups `mariadbd` 10.11 reads.
    static let serverGroups: Set<String> = [
        "mysqld", "server", "mariadb", "mariadbd", "galera", "client-server",
        "mysqld-10.11", "server-10.11", "mariadb-10.11", "mariadbd-10.11",
    ]

    /// Reads and parses `path` (and what it includes).
    public static func load(_ path: String) throws(AgentsError) -> MariaDBOptionFile {
        var file = MariaDBOptionFile(path: path, settings: [:])
        try file.read(path, depth: 0)
        return file
    }

    /// Parses `text` as the contents of `path` (includes are read from disk).
    public static func parse(_ text: String, path: String) throws(AgentsError) -> MariaDBOptionFile {
        var file = MariaDBOptionFile(path: path, settings: [:])
        try file.parse(text, path: path, depth: 0)
        return file
    }

    private mutating func read(_ path: String, depth: Int) throws(AgentsError) {
        guard depth < 10 else { throw AgentsError(.fileError, "\(path): !include nested more than 10 deep") }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AgentsError(.fileError, "\(path): cannot read the option file: \(Self.reason(error))")
        }
        try parse(text, path: path, depth: depth)
    }

    private mutating func parse(_ text: String, path: String, depth: Int) throws(AgentsError) {
        var group: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("!includedir") {
                let directory = String(line.dropFirst("!includedir".count)).trimmingCharacters(in: .whitespaces)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
                for name in names.sorted() where name.hasSuffix(".cnf") {
                    try read(directory + "/" + name, depth: depth + 1)
                }
                continue
            }
            if line.hasPrefix("!include") {
                try read(String(line.dropFirst("!include".count)).trimmingCharacters(in: .whitespaces), depth: depth + 1)
                continue
            }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else {
                    throw AgentsError(.invalidParameter, "\(path):\(index + 1): a group header without ']'")
                }
                group = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces).lowercased()
                continue
            }
            guard let group, Self.serverGroups.contains(group) else { continue }
            let name: String
            var value = ""
            if let equals = line.firstIndex(of: "=") {
                name = line[..<equals].trimmingCharacters(in: .whitespaces)
                value = Self.unquote(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces))
            } else {
                name = line
            }
            settings[Self.normalised(name)] = Setting(value: value, file: path, line: index + 1)
        }
    }

    /// `-` → `_`, lower case, and the `loose-` prefix dropped.
    static func normalised(_ name: String) -> String {
        var name = name.lowercased().replacingOccurrences(of: "-", with: "_")
        if name.hasPrefix("loose_") { name.removeFirst("loose_".count) }
        return name
    }

    /// A value without its surrounding quotes, or without a trailing ` # comment`.
    static func unquote(_ value: String) -> String {
        if let first = value.first, first == "\"" || first == "'", let last = value.dropFirst().lastIndex(of: first) {
            return String(value[value.index(after: value.startIndex)..<last])
        }
        if let hash = value.range(of: " #") { return value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces) }
        return value
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let posix = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        switch nsError.code {
        case NSFileReadNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError: return "permission denied"
        default: return nsError.localizedDescription
        }
    }

    /// The value of option `name` (`-` or `_`), if set.
    public func value(_ name: String) -> String? { settings[Self.normalised(name)]?.value }

    /// The data directory (default `/var/lib/mysql`).
    public var datadir: String { value("datadir").map(Self.trimmedDirectory) ?? "/var/lib/mysql" }
    /// The server's Unix socket (default `/run/mysqld/mysqld.sock`).
    public var socket: String { value("socket") ?? "/run/mysqld/mysqld.sock" }
    /// The SQL port (default 3306).
    public var port: Int { value("port").flatMap { Int($0) } ?? 3306 }
    /// The pid file, absolute (relative names are in the datadir, as the server resolves them).
    public var pidFile: String? {
        guard let file = value("pid_file") else { return nil }
        return file.hasPrefix("/") ? file : datadir + "/" + file
    }
    /// The error log, absolute, if set (relative names are in the datadir).
    public var errorLog: String? {
        guard let file = value("log_error"), !file.isEmpty else { return nil }
        return file.hasPrefix("/") ? file : datadir + "/" + file
    }
    /// `wsrep_provider`, if set and not `none`.
    public var wsrepProvider: String? {
        guard let provider = value("wsrep_provider"), !provider.isEmpty, provider.lowercased() != "none" else { return nil }
        return provider
    }
    /// `wsrep_provider_options` as name → value (`gmcast.listen_addr`, `pc.recovery`, …).
    public var providerOptions: [String: String] {
        var options: [String: String] = [:]
        for item in (value("wsrep_provider_options") ?? "").split(separator: ";") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            options[parts[0].trimmingCharacters(in: .whitespaces).lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        return options
    }
    /// The members of `wsrep_cluster_address` (`gcomm://a:p,b:p`), nil if unset or not
    /// `gcomm://`. A member without a port has the default group port.
    public var clusterAddress: [GroupAddress]? {
        guard let text = value("wsrep_cluster_address"), text.lowercased().hasPrefix("gcomm://") else { return nil }
        let list = text.dropFirst("gcomm://".count).split(separator: "?").first ?? ""
        return list.split(separator: ",").compactMap { Self.groupAddress(String($0).trimmingCharacters(in: .whitespaces)) }
    }
    /// This node's own group address: `gmcast.listen_addr`'s port (default 4567) on
    /// `wsrep_node_address`'s host (else the listen address's host when it is not a wildcard).
    public var ownGroupAddress: GroupAddress? {
        let listen = providerOptions["gmcast.listen_addr"].flatMap { Self.groupAddress(String($0.split(separator: "/").last ?? "")) }
        let port = listen?.port ?? Self.defaultGroupPort
        if let node = value("wsrep_node_address"), !node.isEmpty, let address = Self.groupAddress(node) {
            // An explicit port in wsrep_node_address is the group port; else the listen port.
            let explicit = node.hasPrefix("[") ? node.contains("]:") : node.contains(":")
            return GroupAddress(host: address.host, port: explicit ? address.port : port)
        }
        if let listen, listen.host != "0.0.0.0", listen.host != "::" { return listen }
        return nil
    }
    /// The host part of `wsrep_node_address` (the IST/SST addresses default to it).
    public var nodeHost: String? { value("wsrep_node_address").flatMap { Self.groupAddress($0)?.host } }

    /// Parses `host`, `host:port`, `tcp://host:port` or `[v6]:port`.
    static func groupAddress(_ text: String) -> GroupAddress? {
        var text = Substring(text)
        if let scheme = text.range(of: "://") { text = text[scheme.upperBound...] }
        guard !text.isEmpty else { return nil }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            let port = rest.hasPrefix(":") ? Int(rest.dropFirst()) : defaultGroupPort
            return port.map { GroupAddress(host: host, port: $0) }
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard let port = Int(parts[1]) else { return nil }
            return GroupAddress(host: String(parts[0]), port: port)
        }
        return GroupAddress(host: String(text), port: defaultGroupPort)
    }

    private static func trimmedDirectory(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
