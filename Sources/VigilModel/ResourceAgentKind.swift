/// Which executor runs a resource (`resources[].agent`).
public enum ResourceAgentKind: Sendable, Hashable, CustomStringConvertible {
    /// A supervised command.
    case process
    /// A virtual IP address.
    case vip
    /// A MariaDB Galera node.
    case galera
    /// A RabbitMQ node.
    case rabbitmq
    /// An OCF resource agent, `ocf:<provider>:<type>`.
    case ocf(provider: String, type: String)

    /// Parses `process`, `vip`, `galera`, `rabbitmq` or `ocf:<provider>:<type>`.
    public static func parse(_ text: String) -> ResourceAgentKind? {
        switch text {
        case "process": return .process
        case "vip": return .vip
        case "galera": return .galera
        case "rabbitmq": return .rabbitmq
        default:
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "ocf", !parts[1].isEmpty, !parts[2].isEmpty,
                  parts[1].allSatisfy(\.isSafeNameCharacter), parts[2].allSatisfy(\.isSafeNameCharacter),
                  // They name a path under the OCF root: `.` and `..` would leave it.
                  !["." , ".."].contains(parts[1]), ![".", ".."].contains(parts[2])
            else { return nil }
            return .ocf(provider: String(parts[1]), type: String(parts[2]))
        }
    }

    /// The form written in configuration.
    public var description: String {
        switch self {
        case .process: "process"
        case .vip: "vip"
        case .galera: "galera"
        case .rabbitmq: "rabbitmq"
        case .ocf(let provider, let type): "ocf:\(provider):\(type)"
        }
    }
}

extension Character {
    /// Letters, digits, `-`, `_`, `.`: what a name or an OCF provider/type may contain.
    var isSafeNameCharacter: Bool {
        isASCII && (isLetter || isNumber || self == "-" || self == "_" || self == ".")
    }
}
