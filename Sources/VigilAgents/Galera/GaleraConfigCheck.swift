import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What can be checked of a Galera node's MariaDB option file before its server starts:
/// the file can be read, it loads the Galera provider, turns wsrep on, and its
/// `wsrep_cluster_address` is a `gcomm://` list that names this node and has room for every
/// clone instance. Used by `vigil config validate` (for the option files it can see) and by
/// the Galera executor's `validate` action.
///
/// Every message names the option file — and `FILE:LINE` of the setting at fault, or of the
/// included file that set it — and says what was expected. The file is only read.
public enum GaleraConfigCheck {
    /// One problem with a resource parameter of a `galera` resource.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The parameter it concerns, as written under `params` (`config`).
        public var field: String
        /// What is wrong and what was expected, naming the option file (and line).
        public var message: String

        /// Creates a problem.
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }

        /// `field: message`.
        public var description: String { "\(field): \(message)" }
    }

    /// The problems of the option file at `optionFile` (the resource's `config` on one
    /// node), empty when there are none.
    ///
    /// - Parameters:
    ///   - optionFile: the absolute path of the node's MariaDB option file.
    ///   - cloneMax: the most instances the clone can run (its `max`, at most the number of
    ///     nodes it may run on); nil skips the check that `wsrep_cluster_address` lists at
    ///     least that many members.
    /// - Returns: a problem when the file is missing, unreadable or not a regular file;
    ///   else one for each of: no `wsrep_provider` (or `none`); `wsrep_on` not `ON`; no
    ///   `wsrep_cluster_address`, one that is not `gcomm://`, or one listing no member;
    ///   one that does not list the node's own group address (``MariaDBOptionFile/ownGroupAddress``,
    ///   checked only when the file says it: `wsrep_node_address`, or a `gmcast.listen_addr`
    ///   that is not a wildcard); fewer members listed than `cloneMax`.
    ///   Host names are compared as written, then by what they resolve to.
    public static func problems(optionFile: String, cloneMax: Int?) -> [Problem] {
        if let reason = unreadable(optionFile) {
            return [Problem(field: "config", message: "\(optionFile): cannot read the option file: \(reason)")]
        }
        let file: MariaDBOptionFile
        do {
            file = try MariaDBOptionFile.load(optionFile)
        } catch {
            // The file itself was readable: an include or a malformed line (the message names it).
            let message = error.message.hasPrefix(optionFile + ":") ? error.message : "in the option file \(optionFile): \(error.message)"
            return [Problem(field: "config", message: message)]
        }
        var problems: [String] = []
        if file.wsrepProvider == nil {
            if let setting = file.settings["wsrep_provider"] {
                problems.append("\(location(setting, in: optionFile)): wsrep_provider is '\(setting.value)'; expected the Galera library (wsrep_provider=/usr/lib/galera/libgalera_smm.so)")
            } else {
                problems.append("\(optionFile): no wsrep_provider is set; expected the Galera library (wsrep_provider=/usr/lib/galera/libgalera_smm.so)")
            }
        }
        if let setting = file.settings["wsrep_on"] {
            if !isOn(setting.value) {
                problems.append("\(location(setting, in: optionFile)): wsrep_on is '\(setting.value)'; expected wsrep_on=ON (else the server starts outside any Galera cluster)")
            }
        } else {
            problems.append("\(optionFile): wsrep_on is not set; expected wsrep_on=ON (else the server starts outside any Galera cluster)")
        }
        problems += clusterAddressProblems(file, optionFile: optionFile, cloneMax: cloneMax)
        return problems.map { Problem(field: "config", message: $0) }
    }

    static let expectedList = "gcomm://HOST:PORT,HOST:PORT,... listing every node's group address"

    private static func clusterAddressProblems(_ file: MariaDBOptionFile, optionFile: String, cloneMax: Int?) -> [String] {
        guard let setting = file.settings["wsrep_cluster_address"] else {
            return ["\(optionFile): no wsrep_cluster_address is set; expected \(expectedList)"]
        }
        let at = location(setting, in: optionFile)
        guard let members = file.clusterAddress else {
            return ["\(at): wsrep_cluster_address is '\(setting.value)'; expected \(expectedList)"]
        }
        guard !members.isEmpty else {
            return ["\(at): wsrep_cluster_address lists no member ('\(setting.value)' would make every start a new cluster); expected \(expectedList)"]
        }
        let listed = members.map(\.description).joined(separator: ", ")
        var problems: [String] = []
        if let own = file.ownGroupAddress, !members.contains(where: { same($0, own) }) {
            problems.append("\(at): wsrep_cluster_address does not list this node's own group address \(own) (wsrep_node_address, gmcast.listen_addr); it lists \(listed)")
        }
        if let cloneMax, cloneMax > members.count {
            problems.append("\(at): wsrep_cluster_address lists \(members.count) member\(members.count == 1 ? "" : "s") (\(listed)) but the clone may run \(cloneMax) instances; expected every instance's group address")
        }
        return problems
    }

    /// `FILE:LINE`, with the option file that included it when the setting is elsewhere.
    static func location(_ setting: MariaDBOptionFile.Setting, in optionFile: String) -> String {
        setting.file == optionFile ? "\(optionFile):\(setting.line)" : "\(setting.file):\(setting.line) (included by \(optionFile))"
    }

    /// MariaDB's true values of a boolean option (a bare `wsrep_on` is one).
    static func isOn(_ value: String) -> Bool {
        ["", "1", "on", "true", "yes"].contains(value.lowercased())
    }

    /// Why `path` cannot be read as an option file, or nil when it can.
    static func unreadable(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return String(cString: strerror(errno)) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return String(cString: strerror(EISDIR)) }
        // A FIFO or a device could block the read for ever.
        guard (info.st_mode & S_IFMT) == S_IFREG else { return "not a regular file" }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        close(fd)
        return nil
    }

    /// The same group address: equal ports, and hosts equal as written (ignoring case) or
    /// resolving to a common address.
    static func same(_ a: MariaDBOptionFile.GroupAddress, _ b: MariaDBOptionFile.GroupAddress) -> Bool {
        guard a.port == b.port else { return false }
        if a.host.lowercased() == b.host.lowercased() { return true }
        return !resolved(a.host).isDisjoint(with: resolved(b.host))
    }

    /// The numeric addresses `host` resolves to (empty when it does not).
    static func resolved(_ host: String) -> Set<String> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: Set<String> = []
        var cursor = list
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.insert(String(cString: buffer))
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}
