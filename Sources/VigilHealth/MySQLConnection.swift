/// How to reach a MariaDB/MySQL server: TCP host/port or a Unix socket, a user and a
/// password file.
public struct MySQLConnection: Sendable, Hashable {
    /// Host for TCP (ignored when `socket` is set).
    public var host: String
    /// Port for TCP.
    public var port: Int
    /// A Unix socket path; when set, used instead of host/port.
    public var socket: String?
    /// The user.
    public var user: String
    /// A file whose first line is the password; `nil` for no password.
    public var passwordFile: String?

    /// Creates connection settings.
    public init(host: String = "127.0.0.1", port: Int = 3306, socket: String? = nil, user: String, passwordFile: String? = nil) {
        self.host = host
        self.port = port
        self.socket = socket
        self.user = user
        self.passwordFile = passwordFile
    }

    /// `user@host:port` or `user@socket`, for messages.
    public var target: String {
        if let socket { return "\(user)@\(socket)" }
        return "\(user)@\(host):\(port)"
    }
}
