/// Parameters of a `process` resource.
public struct ProcessParams: Sendable, Hashable {
    /// The command: an argv list, run without a shell.
    public var command: [String]
    /// Extra environment variables.
    public var environment: [String: String]
    /// Working directory.
    public var workingDirectory: String?
    /// User to run as.
    public var user: String?
    /// File that receives the command's standard output and error.
    public var logFile: String?
    /// Secret environment variables: name → file whose first line is the value (`env-files`,
    /// read at each start, never stored or logged).
    public var environmentFiles: [String: String] = [:]

    /// Creates process parameters.
    public init(command: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
                user: String? = nil, logFile: String? = nil) {
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.user = user
        self.logFile = logFile
    }
}

/// Parameters of a `vip` resource.
public struct VIPParams: Sendable, Hashable {
    /// The address, IPv4 or IPv6.
    public var ip: String
    /// The prefix length.
    public var cidr: Int
    /// The interface to add it to.
    public var interface: String

    /// Creates VIP parameters.
    public init(ip: String, cidr: Int, interface: String) {
        self.ip = ip
        self.cidr = cidr
        self.interface = interface
    }
}

/// A resource's parameters, typed by its agent kind.
public enum ResourceParams: Sendable, Hashable {
    /// `agent: process`.
    case process(ProcessParams)
    /// `agent: vip`.
    case vip(VIPParams)
    /// `agent: galera`.
    case galera(GaleraParams)
    /// `agent: rabbitmq`.
    case rabbitmq(RabbitMQParams)
    /// Any other agent: the map as written (OCF agents get them as `OCF_RESKEY_<name>`).
    case other([String: ParamValue])
}
