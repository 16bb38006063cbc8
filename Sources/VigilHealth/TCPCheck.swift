/// `tcp: {host, port}` — passes when a TCP connection is established.
public struct TCPCheck: Sendable, Hashable {
    /// Host name or address.
    public var host: String
    /// Port.
    public var port: Int

    /// Creates a check.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}
