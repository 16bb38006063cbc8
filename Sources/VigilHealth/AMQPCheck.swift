/// `amqp: {host, port, vhost, user, password-file}` — connects, opens a channel,
/// declares an exclusive auto-delete queue, publishes a message to it, gets it back
/// and compares the payload.
public struct AMQPCheck: Sendable, Hashable {
    /// Host.
    public var host: String
    /// Port.
    public var port: Int
    /// Virtual host.
    public var vhost: String
    /// User.
    public var user: String
    /// A file whose first line is the password.
    public var passwordFile: String?

    /// Creates a check.
    public init(host: String = "127.0.0.1", port: Int = 5672, vhost: String = "/", user: String, passwordFile: String? = nil) {
        self.host = host
        self.port = port
        self.vhost = vhost
        self.user = user
        self.passwordFile = passwordFile
    }
}
