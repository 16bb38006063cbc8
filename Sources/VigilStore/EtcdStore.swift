import AsyncHTTPClient
import Logging
import Synchronization

/// A ``ClusterStore`` on a real etcd v3 cluster (3.4+), through its JSON gateway.
///
/// Requests go to one endpoint at a time with a per-request deadline; a connection
/// failure, a timeout or an HTTP 503 moves the store to the next endpoint. Reads, lease
/// renewals and revocations are retried on the next endpoints; a write is retried only
/// when it certainly was not sent (connection refused), since a write that timed out may
/// still have been applied: such a write throws ``VigilStoreError/Code/timeout`` and the
/// caller re-reads (every Vigil write is a compare-guarded transaction, so a retry is
/// idempotent). With ``EtcdConfiguration/credentials`` the store authenticates and
/// re-authenticates when its token is rejected.
///
/// Open it with ``withEtcdStore(_:logger:isolation:_:)``, which always closes it.
public final class EtcdStore: ClusterStore {
    struct State {
        var endpointIndex = 0
        var token: String?
        var keepAlives = KeepAliveCounts()
    }

    /// How this store's lease renewals were answered.
    public struct KeepAliveCounts: Sendable, Hashable {
        /// Answered on the keep-alive stream.
        public var stream = 0
        /// Answered through the gateway (the stream is off, or it failed or was slow).
        public var gateway = 0

        /// Counts of renewals answered each way.
        public init(stream: Int = 0, gateway: Int = 0) {
            self.stream = stream
            self.gateway = gateway
        }
    }

    /// How this store's lease renewals were answered so far.
    public var keepAliveCounts: KeepAliveCounts { state.withLock { $0.keepAlives } }

    /// Which HTTP client (and connection pool) a unary request uses. Lease calls have their
    /// own, so that a burst of writes can never delay a keep-alive (an agent that cannot
    /// renew its lease in time self-fences). Watches, which hold a connection each for as
    /// long as they run, stream through ``watchClient``.
    enum Lane {
        case requests, leases
    }

    /// Connections per endpoint for ``Lane/requests`` (and requests in flight at once).
    static let requestConnections = 16
    /// Connections per endpoint for ``Lane/leases``.
    static let leaseConnections = 4
    /// Connections per endpoint for watches (one per running watch).
    static let watchConnections = 64

    let requestClient: HTTPClient
    let leaseClient: HTTPClient
    let watchClient: HTTPClient
    /// Lease renewals' stream (nil when ``EtcdConfiguration/leaseKeepAliveStream`` is off).
    let leaseStream: EtcdLeaseStream?
    let configuration: EtcdConfiguration
    let endpoints: [String]
    let logger: Logger
    let state = Mutex(State())
    /// Keeps ``Lane/requests`` within its connections: a burst waits here, not in the pool.
    let requestGate = RequestGate(limit: EtcdStore.requestConnections)

    init(
        requestClient: HTTPClient, leaseClient: HTTPClient, watchClient: HTTPClient, leaseStream: EtcdLeaseStream?,
        configuration: EtcdConfiguration, endpoints: [String], logger: Logger
    ) {
        self.requestClient = requestClient
        self.leaseClient = leaseClient
        self.watchClient = watchClient
        self.leaseStream = leaseStream
        self.configuration = configuration
        self.endpoints = endpoints
        self.logger = logger
        let start = configuration.preference.startIndex(endpoints: endpoints, localAddresses: LocalAddresses.current())
        state.withLock { $0.endpointIndex = start }
    }

    /// The endpoint requests currently go to.
    public var currentEndpoint: String {
        endpoints[state.withLock { $0.endpointIndex }]
    }

    func currentIndex() -> Int { state.withLock { $0.endpointIndex } }

    /// Forgets the auth token so the next request authenticates again.
    func invalidateToken() { state.withLock { $0.token = nil } }

    /// Whether an error message says the auth token was rejected.
    static func isBadTokenMessage(_ message: String) -> Bool {
        message.contains("invalid auth token") || message.contains("user name is empty")
    }

    /// Moves to `index` (an endpoint that just answered when the current one did not).
    func prefer(_ index: Int, reason: String) {
        let previous = state.withLock { state -> Int in
            defer { state.endpointIndex = index }
            return state.endpointIndex
        }
        if previous != index {
            logger.warning(
                "etcd endpoint silent, moving on",
                metadata: ["endpoint": "\(endpoints[previous])", "next": "\(endpoints[index])", "reason": "\(reason)"])
        }
    }

    /// Moves to the endpoint after `index`, unless another request already moved on.
    func rotate(from index: Int, reason: String) {
        let moved = state.withLock { state -> Bool in
            guard state.endpointIndex == index else { return false }
            state.endpointIndex = (index + 1) % endpoints.count
            return true
        }
        if moved {
            logger.warning(
                "etcd endpoint failed, rotating",
                metadata: ["endpoint": "\(endpoints[index])", "next": "\(endpoints[(index + 1) % endpoints.count])", "reason": "\(reason)"])
        }
    }
}
