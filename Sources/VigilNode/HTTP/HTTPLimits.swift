import VigilCluster
/// What the agent's HTTP API allows a client, so that no client — a flood of requests,
/// thousands of idle connections, a slow sender — can take from the agent what keeps its
/// lease: the API runs on an event loop of its own (the etcd client keeps its own), holds
/// at most ``maxConnections`` connections (more wait in the kernel's accept queue), closes
/// a connection that has not sent a complete request head within ``idleTimeout`` of
/// opening or of its previous answer, and renders `/v1/status` at most once per
/// ``statusCacheLifetime`` however many ask.
public struct HTTPLimits: Sendable, Hashable {
    /// Connections held at once (default 4096). Each costs a file descriptor: the agent
    /// raises its soft descriptor limit to make room (``requiredDescriptors``).
    public var maxConnections: Int
    /// How long a connection may wait without a complete request head (default 10 s):
    /// covers keep-alive idleness and a client that trickles its headers.
    public var idleTimeout: Duration
    /// How long a rendered `/v1/status` answer is served again (default 250 ms).
    public var statusCacheLifetime: Duration

    /// Creates limits.
    public init(maxConnections: Int = 4096, idleTimeout: Duration = .seconds(10), statusCacheLifetime: Duration = .milliseconds(250)) {
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.statusCacheLifetime = statusCacheLifetime
    }

    /// File descriptors the agent needs with these limits: the connections plus 1024 for
    /// etcd, resources, probes and logs.
    public var requiredDescriptors: Int { maxConnections + 1024 }
}
