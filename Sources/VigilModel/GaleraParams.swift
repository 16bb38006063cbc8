/// Parameters of a `galera` resource (a MariaDB Galera node per clone instance).
public struct GaleraParams: Sendable, Hashable {
    /// The node's MariaDB option file (datadir, socket, port and the `wsrep_*` settings are
    /// read from it, never rewritten). Required on every node that runs the resource, here
    /// or in that node's `node-params`.
    public var config: String?
    /// The server binary.
    public var mariadbd: String
    /// The system user the server runs as (it owns the datadir).
    public var user: String
    /// The SQL account of Vigil's checks (`SHOW STATUS`, `pc.bootstrap`); nil: root over
    /// the socket (unix-socket authentication, as Debian installs it).
    public var monitorUser: String?
    /// The file whose first line is the monitor account's password.
    public var passwordFile: String?
    /// How long a start may take (an SST can be long).
    public var startTimeout: Duration
    /// How long a stop may take before the server is killed.
    public var stopTimeout: Duration
    /// Whether a donor (state 2) still takes reads.
    public var acceptDonor: Bool

    /// Creates Galera parameters with the documented defaults.
    public init(
        config: String?, mariadbd: String = "/usr/sbin/mariadbd", user: String = "mysql", monitorUser: String? = nil,
        passwordFile: String? = nil, startTimeout: Duration = .seconds(600), stopTimeout: Duration = .seconds(120),
        acceptDonor: Bool = false
    ) {
        self.config = config
        self.mariadbd = mariadbd
        self.user = user
        self.monitorUser = monitorUser
        self.passwordFile = passwordFile
        self.startTimeout = startTimeout
        self.stopTimeout = stopTimeout
        self.acceptDonor = acceptDonor
    }
}
