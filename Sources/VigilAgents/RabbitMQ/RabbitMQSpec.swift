public import VigilCommand

/// How one RabbitMQ node of this host is run (`agent: rabbitmq`, its parameters resolved
/// for this node).
public struct RabbitMQSpec: Sendable, Hashable {
    /// The resource's name.
    public var name: String
    /// The Erlang node name, `rabbit@HOST`.
    public var nodename: String
    /// `RABBITMQ_*`/`ERL_*` variables for the server and its CLI.
    public var environment: [String: String]
    /// The file holding the Erlang cookie.
    public var cookieFile: String
    /// Where `rabbitmq-server`, `rabbitmqctl` and `rabbitmq-queues` live.
    public var serverDirectory: String
    /// The AMQP account of the round trip.
    public var monitorUser: String
    /// The monitor account's password file.
    public var passwordFile: String?
    /// How long a start may take.
    public var startTimeout: Duration
    /// How long a stop may take before the node is killed.
    public var stopTimeout: Duration
    /// A directory of Vigil's own that serves as `HOME` of the server and its CLI: the
    /// cookie is copied there (mode 0400) at each start, so that it never appears in a
    /// command line or in an environment.
    public var homeDirectory: String
    /// The cgroup the server runs in (nil: the agent's own).
    public var cgroup: ResourceCgroup?
    /// Where the server's standard output and error go (nil: discarded).
    public var consoleLog: String?

    /// Creates a spec.
    public init(
        name: String, nodename: String, environment: [String: String] = [:], cookieFile: String,
        serverDirectory: String = "/usr/lib/rabbitmq/bin", monitorUser: String = "guest", passwordFile: String? = nil,
        startTimeout: Duration = .seconds(600), stopTimeout: Duration = .seconds(120), homeDirectory: String
    ) {
        self.name = name
        self.nodename = nodename
        self.environment = environment
        self.cookieFile = cookieFile
        self.serverDirectory = serverDirectory
        self.monitorUser = monitorUser
        self.passwordFile = passwordFile
        self.startTimeout = startTimeout
        self.stopTimeout = stopTimeout
        self.homeDirectory = homeDirectory
    }

    /// The environment of the server and of every CLI call: the configured variables, the
    /// node name and Vigil's `HOME`; nothing of the agent's own environment.
    public var processEnvironment: [String: String] {
        var result = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        for (key, value) in environment { result[key] = value }
        result["HOME"] = homeDirectory
        result["RABBITMQ_NODENAME"] = nodename
        return result
    }

    /// The main configuration file (`RABBITMQ_CONFIG_FILE`, `.conf` added when it has no
    /// extension, as RabbitMQ does; Debian's by default).
    public var configFile: String {
        guard let given = environment["RABBITMQ_CONFIG_FILE"], !given.isEmpty else { return "/etc/rabbitmq/rabbitmq.conf" }
        let last = given.split(separator: "/").last ?? ""
        return last.contains(".") ? given : given + ".conf"
    }

    /// The node's data directory (`RABBITMQ_MNESIA_DIR`, else
    /// `RABBITMQ_MNESIA_BASE/<nodename>`; Debian's base by default).
    public var dataDirectory: String {
        if let dir = environment["RABBITMQ_MNESIA_DIR"], !dir.isEmpty { return dir }
        let base = environment["RABBITMQ_MNESIA_BASE"].flatMap { $0.isEmpty ? nil : $0 } ?? "/var/lib/rabbitmq/mnesia"
        return base + "/" + nodename
    }
}
