/// One deep health probe of a resource (`resources[].health[]`).
public struct HealthProbeConfig: Sendable, Hashable {
    /// What the probe checks.
    public var check: HealthCheck
    /// Time between probes. Default 2 s.
    public var interval: Duration
    /// How long one probe may take. Default 2 s.
    public var timeout: Duration
    /// Consecutive successes before a failed instance counts as healthy again. Default 1.
    public var rise: Int
    /// Consecutive failures before the instance counts as failed. Default 2.
    public var fall: Int

    /// Creates a probe with the documented defaults.
    public init(check: HealthCheck, interval: Duration = .seconds(2), timeout: Duration = .seconds(2),
                rise: Int = 1, fall: Int = 2) {
        self.check = check
        self.interval = interval
        self.timeout = timeout
        self.rise = rise
        self.fall = fall
    }
}

/// The kinds of health probe.
public enum HealthCheck: Sendable, Hashable {
    /// A TCP connect.
    case tcp(TCPCheck)
    /// An HTTP(S) request.
    case http(HTTPCheck)
    /// A command's exit status.
    case exec(ExecCheck)
    /// A SQL query through MariaDB Connector/C.
    case mysql(MySQLCheck)
    /// The Galera preset: ready, connected, Primary, Synced.
    case galera(GaleraCheck)
    /// An AMQP publish/get round trip.
    case amqp(AMQPCheck)

    /// The kind's key in YAML.
    public var kindName: String {
        switch self {
        case .tcp: "tcp"
        case .http: "http"
        case .exec: "exec"
        case .mysql: "mysql"
        case .galera: "galera"
        case .amqp: "amqp"
        }
    }
}

/// `tcp: {host, port}`.
public struct TCPCheck: Sendable, Hashable {
    /// Host to connect to. Default 127.0.0.1.
    public var host: String
    /// Port.
    public var port: Int
    /// Creates the check.
    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }
}

/// `http: {url, expect-status, expect-body, headers, header-files, ca-file, insecure}`.
public struct HTTPCheck: Sendable, Hashable {
    /// `http://` or `https://` URL.
    public var url: String
    /// Expected status. Default 200.
    public var expectStatus: Int
    /// A regular expression the body must match.
    public var expectBody: String?
    /// Extra request headers.
    public var headers: [String: String]
    /// Secret request headers: name → file whose first line is the value (`header-files`,
    /// read at each probe).
    public var headerFiles: [String: String] = [:]
    /// CA bundle for https.
    public var caFile: String?
    /// Skip certificate verification.
    public var insecure: Bool
    /// Creates the check.
    public init(url: String, expectStatus: Int = 200, expectBody: String? = nil, headers: [String: String] = [:],
                caFile: String? = nil, insecure: Bool = false) {
        self.url = url
        self.expectStatus = expectStatus
        self.expectBody = expectBody
        self.headers = headers
        self.caFile = caFile
        self.insecure = insecure
    }
}

/// `exec: {command, expect-exit}`.
public struct ExecCheck: Sendable, Hashable {
    /// argv, run without a shell.
    public var command: [String]
    /// Expected exit status. Default 0.
    public var expectExit: Int32
    /// Creates the check.
    public init(command: [String], expectExit: Int32 = 0) {
        self.command = command
        self.expectExit = expectExit
    }
}

/// How to reach and log in to a MariaDB server.
public struct SQLEndpoint: Sendable, Hashable {
    /// Host. Default 127.0.0.1 (ignored when `socket` is set).
    public var host: String
    /// Port. Default 3306.
    public var port: Int
    /// Unix socket path.
    public var socket: String?
    /// User name.
    public var user: String
    /// File holding the password (never the password itself).
    public var passwordFile: String?
    /// Creates the endpoint.
    public init(host: String = "127.0.0.1", port: Int = 3306, socket: String? = nil, user: String,
                passwordFile: String? = nil) {
        self.host = host
        self.port = port
        self.socket = socket
        self.user = user
        self.passwordFile = passwordFile
    }
}

/// `mysql: {host, port, socket, user, password-file, query, expect}`.
public struct MySQLCheck: Sendable, Hashable {
    /// Where to connect.
    public var endpoint: SQLEndpoint
    /// The query. Default `SELECT 1`.
    public var query: String
    /// The expected first column of the first row; absent: any row passes.
    public var expect: String?
    /// Creates the check.
    public init(endpoint: SQLEndpoint, query: String = "SELECT 1", expect: String? = nil) {
        self.endpoint = endpoint
        self.query = query
        self.expect = expect
    }
}

/// `galera: {host, port, socket, user, password-file, accept-donor}`.
public struct GaleraCheck: Sendable, Hashable {
    /// Where to connect.
    public var endpoint: SQLEndpoint
    /// Whether a Donor/Desynced node (state 2) counts as healthy. Default false.
    public var acceptDonor: Bool
    /// Creates the check.
    public init(endpoint: SQLEndpoint, acceptDonor: Bool = false) {
        self.endpoint = endpoint
        self.acceptDonor = acceptDonor
    }
}

/// `amqp: {host, port, vhost, user, password-file}`.
public struct AMQPCheck: Sendable, Hashable {
    /// Host. Default 127.0.0.1.
    public var host: String
    /// Port. Default 5672.
    public var port: Int
    /// Virtual host. Default `/`.
    public var vhost: String
    /// User name.
    public var user: String
    /// File holding the password.
    public var passwordFile: String?
    /// Creates the check.
    public init(host: String = "127.0.0.1", port: Int = 5672, vhost: String = "/", user: String,
                passwordFile: String? = nil) {
        self.host = host
        self.port = port
        self.vhost = vhost
        self.user = user
        self.passwordFile = passwordFile
    }
}
