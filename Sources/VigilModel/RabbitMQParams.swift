/// Parameters of a `rabbitmq` resource (a RabbitMQ node per clone instance).
public struct RabbitMQParams: Sendable, Hashable {
    /// The Erlang node name, `rabbit@HOST` (here or in a node's `node-params`), different
    /// on each node; nil: `rabbit@<the Vigil node's name>`.
    public var nodename: String?
    /// `RABBITMQ_*` and `ERL_*` variables for the server and its CLI: ports, directories,
    /// the config file, epmd, distribution settings.
    public var environment: [String: String]
    /// The file holding the Erlang cookie (read at each start; never put in the
    /// configuration, in etcd or in a command line).
    public var erlangCookieFile: String?
    /// Where `rabbitmq-server`, `rabbitmqctl` and `rabbitmq-queues` live.
    public var serverDirectory: String
    /// The account of the AMQP round trip that proves the node carries messages.
    public var monitorUser: String
    /// The file whose first line is the monitor account's password.
    public var passwordFile: String?
    /// How long a start may take (a node waiting for its peers' tables can take minutes).
    public var startTimeout: Duration
    /// How long a stop may take before the node is killed.
    public var stopTimeout: Duration
    /// Policies applied once the cluster has all its instances.
    public var policies: [RabbitMQPolicy]

    /// Debian's directory of the version-independent links to the server's scripts.
    public static let debianServerDirectory = "/usr/lib/rabbitmq/bin"

    /// Creates RabbitMQ parameters with the documented defaults.
    public init(
        nodename: String? = nil, environment: [String: String] = [:], erlangCookieFile: String? = nil,
        serverDirectory: String = RabbitMQParams.debianServerDirectory, monitorUser: String = "guest", passwordFile: String? = nil,
        startTimeout: Duration = .seconds(600), stopTimeout: Duration = .seconds(120), policies: [RabbitMQPolicy] = []
    ) {
        self.nodename = nodename
        self.environment = environment
        self.erlangCookieFile = erlangCookieFile
        self.serverDirectory = serverDirectory
        self.monitorUser = monitorUser
        self.passwordFile = passwordFile
        self.startTimeout = startTimeout
        self.stopTimeout = stopTimeout
        self.policies = policies
    }

    /// The Erlang node name on Vigil node `node`.
    public func nodename(on node: String) -> String {
        nodename ?? "rabbit@\(node)"
    }

    /// Whether `name` may be given under `env`.
    public static func isEnvironmentName(_ name: String) -> Bool {
        (name.hasPrefix("RABBITMQ_") || name.hasPrefix("ERL_")) && name.count > 4
            && name.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }
    }
}
