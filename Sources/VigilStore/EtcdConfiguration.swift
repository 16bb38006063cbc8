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
    /// A connection that receives nothing for this long is dropped.
    public var idleTimeout: Duration
    /// A watch stream that delivers nothing — no event and no progress notification — for
    /// this long is torn down and resumed from its last revision on the next endpoint (a
    /// healthy one just serves the resumed watch), so a member that went silent without
    /// closing its connections (stopped process, dead host) is left within this bound.
    /// Watches ask for progress notifications: run etcd with
    /// `--experimental-watch-progress-notify-interval` below this (1s for the default 2s),
    /// or idle watches reconnect every time this passes.
    public var watchIdleTimeout: Duration
    /// A lease keep-alive not answered within this long is sent to the next endpoint as
    /// well (hedged), and so on; the first answer wins. Keep it a small fraction of the
    /// lease TTL: an agent self-fences only when no endpoint renewed in time.
    public var leaseHedgeDelay: Duration
    /// Whether lease renewals go down one gRPC `LeaseKeepAlive` stream per store (etcd's
    /// own clients' way: a message each way per renewal) rather than one gateway request
    /// each. A renewal the stream does not answer within ``leaseHedgeDelay`` (or that it
    /// fails) falls back to hedged gateway requests on the next endpoints.
    public var leaseKeepAliveStream: Bool
    /// Which endpoint requests go to first (the others follow in the given order, wrapping).
    public var preference: EndpointPreference
    /// TLS client settings; nil for plain HTTP endpoints.
    public var tls: EtcdTLSConfiguration?
    /// etcd user and password; nil when etcd auth is disabled.
    public var credentials: EtcdCredentials?

    /// Creates a configuration with Vigil's defaults: 1 s per request, 300 ms to connect,
    /// 30 s of watch reconnection attempts, connections idle for 30 s dropped, watches
    /// silent for 2 s resumed elsewhere, keep-alives on a stream and hedged after 150 ms, endpoints in the
    /// given order.
    public init(
        endpoints: [String],
        requestTimeout: Duration = .seconds(1),
        connectTimeout: Duration = .milliseconds(300),
        watchRetryTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(30),
        watchIdleTimeout: Duration = .seconds(2),
        leaseHedgeDelay: Duration = .milliseconds(150),
        leaseKeepAliveStream: Bool = true,
        preference: EndpointPreference = .given,
        tls: EtcdTLSConfiguration? = nil,
        credentials: EtcdCredentials? = nil
    ) {
        self.watchIdleTimeout = watchIdleTimeout
        self.leaseHedgeDelay = leaseHedgeDelay
        self.leaseKeepAliveStream = leaseKeepAliveStream
        self.preference = preference
        self.endpoints = endpoints
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.watchRetryTimeout = watchRetryTimeout
        self.idleTimeout = idleTimeout
        self.tls = tls
        self.credentials = credentials
    }
}
