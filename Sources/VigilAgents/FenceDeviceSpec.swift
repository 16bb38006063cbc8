/// A fence device (one entry of the cluster's `fence-devices:` list).
///
/// ```yaml
/// fence-devices:
///   - name: ipmi-n1
///     agent: fence_ipmilan
///     params: {ip: 198.18.1.1, username: admin, password-file: /etc/vigil/ipmi.pass}
///     nodes: [n1]
/// ```
public struct FenceDeviceSpec: Sendable, Hashable {
    /// The device name.
    public var name: String
    /// The agent program, `fence_<something>` (looked up in `searchPath`).
    public var agent: String
    /// Parameters written as `key=value` lines on the agent's stdin (`ip`, `username`,
    /// …). Never put a password here; use `passwordFile`.
    public var parameters: [String: String]
    /// A file whose first line is sent as `password=`; never logged.
    public var passwordFile: String?
    /// The nodes this device can fence.
    public var nodes: [String]
    /// Node name → plug (port) name where they differ; by default the plug is the node
    /// name.
    public var plugs: [String: String]
    /// The stdin key that names the target plug (`plug`, or `port` for older agents);
    /// `nil` for devices that fence one fixed node and take no plug (like Pacemaker's
    /// `pcmk_host_argument=none`).
    public var hostArgument: String?
    /// How long one agent call may take.
    public var timeout: Duration
    /// Directories searched for the agent.
    public var searchPath: [String]

    /// Where fence agents are looked up unless told otherwise (Debian's fence-agents
    /// installs them in /usr/sbin).
    public static let defaultSearchPath = ["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin"]

    /// Creates a spec.
    public init(
        name: String, agent: String, parameters: [String: String] = [:], passwordFile: String? = nil,
        nodes: [String] = [], plugs: [String: String] = [:], hostArgument: String? = "plug", timeout: Duration = .seconds(60),
        searchPath: [String] = FenceDeviceSpec.defaultSearchPath
    ) {
        self.name = name
        self.agent = agent
        self.parameters = parameters
        self.passwordFile = passwordFile
        self.nodes = nodes
        self.plugs = plugs
        self.hostArgument = hostArgument
        self.timeout = timeout
        self.searchPath = searchPath
    }

    /// Whether this device can fence `node`.
    public func covers(_ node: String) -> Bool { nodes.contains(node) }

    /// The plug (port) for `node`.
    public func plug(for node: String) -> String { plugs[node] ?? node }

    /// Checks the spec: one message per problem.
    public var problems: [String] {
        var problems: [String] = []
        let validAgent = agent.hasPrefix("fence_") && agent.count > 6
            && agent.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
        if !validAgent { problems.append("fence device \(name): agent '\(agent)' is not of the form fence_<name>") }
        for key in parameters.keys.sorted() {
            if !Self.isKey(key) {
                problems.append("fence device \(name): parameter name \(key.debugDescription) is invalid")
            }
            if ["password", "passwd"].contains(key) {
                problems.append("fence device \(name): put the password in password-file, not in params")
            }
        }
        for key in parameters.keys.sorted() where !Self.isLine(parameters[key] ?? "") {
            problems.append("fence device \(name): parameter '\(key)' contains a line break or NUL")
        }
        for node in plugs.keys.sorted() where !Self.isLine(plugs[node] ?? "") {
            problems.append("fence device \(name): the plug for node \(node) contains a line break or NUL")
        }
        if let hostArgument, !Self.isKey(hostArgument) {
            problems.append("fence device \(name): host argument \(hostArgument.debugDescription) is not a plain name")
        }
        if ["action", "plug", "port"].contains(where: { parameters[$0] != nil }) {
            problems.append("fence device \(name): action and plug/port are set by Vigil, not in params")
        }
        return problems
    }

    /// Whether `value` stays one line on the agent's stdin. Checked on bytes: Swift's
    /// `contains("\n")` compares characters, and a CR LF pair is one character that is
    /// not "\n".
    static func isLine(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0 }
    }

    /// Whether `key` can be the left side of a `key=value` line.
    static func isKey(_ key: String) -> Bool {
        !key.isEmpty && isLine(key) && !key.utf8.contains(UInt8(ascii: "="))
    }
}
