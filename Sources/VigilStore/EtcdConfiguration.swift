/// How to reach an etcd v3 cluster through its JSON gateway. A plain value: the library
/// reads no environment or files except the certificate files named in ``tls``.
public struct EtcdConfiguration: Sendable {
    /// Client URLs of the members, e.g. `http://127.0.0.1:2379` or `https://10.0.0.1:2379`.
    /// Requests go to one endpoint at a time and move to the next on failure.
    public var endpoints: [String]
    /// Deadline of each request (and each attempt on one endpoint). etcd can hold a
    /// request for seconds during a leader change; Vigil prefers to fail fast and rotate.
    public var requestTimeout: Duration
    /// Deadline for establishing a TCP (and TLS) connection to an endpoint.
    public var connectTimeout: Duration
    /// How long a watch keeps trying to reconnect, across every endpoint, before it throws.
    public var watchRetryTimeout: Duration
    /// A connection that receives nothing for this long is dropped. An idle watch then
    /// reconnects (resuming where it was: no gap), so a member that hangs without closing
    /// its connections (stopped process, partition) is noticed within this time.
    public var idleTimeout: Duration
    /// TLS client settings; nil for plain HTTP endpoints.
    public var tls: EtcdTLSConfiguration?
    /// etcd user and password; nil when etcd auth is disabled.
    public var credentials: EtcdCredentials?

    /// Creates a configuration with Vigil's defaults: 1 s per request, 300 ms to connect,
    /// 30 s of watch reconnection attempts, connections idle for 30 s dropped.
    public init(
        endpoints: [String],
        requestTimeout: Duration = .seconds(1),
        connectTimeout: Duration = .milliseconds(300),
        watchRetryTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(30),
        tls: EtcdTLSConfiguration? = nil,
        credentials: EtcdCredentials? = nil
    ) {
        self.endpoints = endpoints
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.watchRetryTimeout = watchRetryTimeout
        self.idleTimeout = idleTimeout
        self.tls = tls
        self.credentials = credentials
    }
}
