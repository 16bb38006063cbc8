public import VigilCommand
public import VigilHealth

/// How one Galera node of this host is run (`agent: galera`, its parameters resolved for
/// this node).
public struct GaleraSpec: Sendable, Hashable {
    /// The resource's name.
    public var name: String
    /// The node's MariaDB option file (read, never written).
    public var optionFile: String
    /// The server binary.
    public var mariadbd: String
    /// The datadir initialiser, run before a bootstrap from an empty datadir.
    public var installDB: String = "/usr/bin/mariadb-install-db"
    /// The system user the server runs as.
    public var user: String
    /// The SQL account of Vigil's checks; nil: `root` over the socket.
    public var monitorUser: String?
    /// The monitor account's password file.
    public var passwordFile: String?
    /// How long a start may take (until Synced).
    public var startTimeout: Duration
    /// How long a stop may take before the server is killed.
    public var stopTimeout: Duration
    /// Whether a donor still takes reads.
    public var acceptDonor: Bool
    /// The cgroup the server and its SST scripts run in (nil: the agent's own).
    public var cgroup: ResourceCgroup?
    /// Where the server's standard output and error go when the option file sets no
    /// `log_error` (nil: discarded).
    public var consoleLog: String?

    /// Creates a spec.
    public init(
        name: String, optionFile: String, mariadbd: String = "/usr/sbin/mariadbd", user: String = "mysql",
        monitorUser: String? = nil, passwordFile: String? = nil, startTimeout: Duration = .seconds(600),
        stopTimeout: Duration = .seconds(120), acceptDonor: Bool = false
    ) {
        self.name = name
        self.optionFile = optionFile
        self.mariadbd = mariadbd
        self.user = user
        self.monitorUser = monitorUser
        self.passwordFile = passwordFile
        self.startTimeout = startTimeout
        self.stopTimeout = stopTimeout
        self.acceptDonor = acceptDonor
    }

    /// The monitor connection over the server's socket.
    public func connection(socket: String) -> MySQLConnection {
        MySQLConnection(socket: socket, user: monitorUser ?? "root", passwordFile: passwordFile)
    }
}
