/// The kinds of health probe (DESIGN.md, "Resource parameters and health probes").
public enum ProbeKind: Sendable, Hashable {
    /// Connect to a TCP port.
    case tcp(TCPCheck)
    /// Make an HTTP or HTTPS request.
    case http(HTTPCheck)
    /// Run a command and check its exit status.
    case exec(ExecCheck)
    /// Run an SQL query on MariaDB/MySQL and compare the first value.
    case mysql(MySQLCheck)
    /// Check a MariaDB Galera node's wsrep status.
    case galera(GaleraCheck)
    /// Publish a message to RabbitMQ over AMQP and get it back.
    case amqp(AMQPCheck)

    /// A short description of what is checked (no secrets).
    public var summary: String {
        switch self {
        case .tcp(let check): "tcp \(check.host):\(check.port)"
        case .http(let check): "http \(check.url)"
        case .exec(let check): "exec \(check.command.first ?? "")"
        case .mysql(let check): "mysql \(check.connection.target)"
        case .galera(let check): "galera \(check.connection.target)"
        case .amqp(let check): "amqp \(check.host):\(check.port)"
        }
    }
}
