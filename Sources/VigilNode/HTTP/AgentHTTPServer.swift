import VigilCluster
import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import NIOPosix
import HummingbirdTLS
public import ServiceLifecycle

/// The agent's HTTP API: `GET /v1/status`, `GET /health/<resource>`, `GET /metrics` and
/// the status page at `/` (docs/operator-guide.md, "HTTP API", "The status page").
///
/// A `Service`: ``run()`` serves until its task is cancelled or, inside a `ServiceGroup`,
/// until graceful shutdown (cancellation is handled as a graceful shutdown too); then it
/// closes the listening socket, finishes the requests in flight and returns. It binds
/// only the address it is given and installs no signal handlers. It runs on an event loop
/// of its own and within ``HTTPLimits``, so that no client can starve the agent's etcd
/// traffic (its lease) of a thread, a descriptor or the CPU.
public struct AgentHTTPServer: Service {
    /// The port served when `--listen` names none: 7950. (7946, next to it, is taken by
    /// Serf, Consul and Docker Swarm.)
    public static let defaultPort = 7950
    /// The host served when `--listen` names none: loopback only.
    public static let defaultHost = "127.0.0.1"

    /// The address bound (a literal IPv4 or IPv6 address, or a host name).
    public let host: String
    /// The port bound; 0 asks the kernel for a free one (see `onServerRunning`).
    public let port: Int

    /// What clients are allowed.
    public let limits: HTTPLimits
    private let routes: AgentRoutes
    private let api: APISettings?
    private let logger: Logger
    private let onServerRunning: @Sendable (_ port: Int) async -> Void

    /// Creates a server; nothing is bound until ``run()``.
    ///
    /// - Parameters:
    ///   - host: The address to bind.
    ///   - port: The port to bind, 0 for any free one.
    ///   - provider: Answers the status and health questions.
    ///   - metrics: The metrics `GET /metrics` serves.
    ///   - limits: What clients are allowed.
    ///   - api: The cluster operations, their access rules and TLS (nil: only the status,
    ///     health and metrics reads, open to all).
    ///   - logger: Where the server logs (startup, failed answers, request errors).
    ///   - onServerRunning: Called once the socket listens, with the port bound.
    public init(
        host: String = AgentHTTPServer.defaultHost,
        port: Int = AgentHTTPServer.defaultPort,
        provider: any AgentStatusProvider,
        metrics: AgentMetrics,
        limits: HTTPLimits = HTTPLimits(),
        api: APISettings? = nil,
        logger: Logger,
        onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) {
        self.api = api
        self.host = host
        self.port = port
        var logger = logger
        logger[metadataKey: "http.host"] = "\(host)"
        self.logger = logger
        self.limits = limits
        self.routes = AgentRoutes(
            provider: provider, metrics: metrics, logger: logger, statusCacheLifetime: limits.statusCacheLifetime,
            writes: api?.access.token != nil)
        self.onServerRunning = onServerRunning
    }

    /// Serves until the task is cancelled or the enclosing `ServiceGroup` shuts down
    /// gracefully. Throws when the address cannot be bound.
    public func run() async throws {
        let router = Router(context: APIRequestContext.self)
        let access = api?.access ?? APIAccess(token: nil, loopback: true)
        routes.register(on: router, access: access)
        if let api {
            APIRoutes(store: api.store, keyspace: api.keyspace, node: api.node, access: access, logger: logger).register(on: router)
        }
        let http1 = HTTPServerBuilder.http1(configuration: HTTP1Channel.Configuration(idleTimeout: TimeAmount(limits.idleTimeout)))
        let server = try api?.tls.map { try HTTPServerBuilder.tls(http1, tlsConfiguration: try $0.serverConfiguration()) } ?? http1
        let logger = self.logger
        let requestedPort = port
        let onServerRunning = self.onServerRunning
        // One thread of its own: the etcd client runs on NIO's shared group.
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let app = Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "vigil", backlog: min(limits.maxConnections, 4096),
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger)),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? requestedPort
                logger.info("HTTP API listening", metadata: ["http.port": "\(bound)"])
                await onServerRunning(bound)
            },
            eventLoopGroupProvider: .shared(eventLoops),
            logger: logger
        )
        // Cancelling NIO's accept loop while a connection is being accepted traps in
        // NIOAsyncWriter's deinit (apple/swift-nio#2813); a graceful shutdown does not.
        // So the server runs in a task of its own, awaited here, and cancellation of
        // this task is turned into a graceful shutdown of it.
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let serving = Task { try await group.run() }
        do {
            try await withTaskCancellationHandler {
                try await serving.value
            } onCancel: {
                Task { await group.triggerGracefulShutdown() }
            }
        } catch {
            try? await eventLoops.shutdownGracefully()
            throw error
        }
        try? await eventLoops.shutdownGracefully()
        logger.info("HTTP API stopped")
    }
}
