import AsyncHTTPClient
import NIOCore
public import Logging

/// Opens an ``EtcdStore`` for the duration of `body` and always shuts its HTTP client
/// down afterwards, whether `body` returns or throws.
///
/// - Throws: ``VigilStoreError`` with code `invalidConfiguration` for no or malformed
///   endpoints or unreadable TLS files; whatever `body` throws.
public func withEtcdStore<Result: Sendable>(
    _ configuration: EtcdConfiguration,
    logger: Logger = Logger(label: "vigil.store.etcd"),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (EtcdStore) async throws -> Result
) async throws -> Result {
    let endpoints = try EtcdStore.normalizedEndpoints(configuration.endpoints)
    var httpConfiguration = HTTPClient.Configuration()
    httpConfiguration.httpVersion = .http1Only
    httpConfiguration.timeout.connect = TimeAmount(configuration.connectTimeout)
    httpConfiguration.timeout.read = TimeAmount(max(configuration.idleTimeout, configuration.requestTimeout))
    httpConfiguration.connectionPool.retryConnectionEstablishment = false
    httpConfiguration.redirectConfiguration = .disallow
    let tlsConfiguration = try configuration.tls.map { try EtcdStore.makeTLSConfiguration($0) }
    httpConfiguration.tlsConfiguration = tlsConfiguration
    let leaseStream =
        configuration.leaseKeepAliveStream
        ? try EtcdLeaseStream(
            group: HTTPClient.defaultEventLoopGroup, endpoints: endpoints, tls: tlsConfiguration,
            connectTimeout: configuration.connectTimeout, logger: logger)
        : nil
    func client(connections: Int, readTimeout: Duration? = nil) -> HTTPClient {
        var lane = httpConfiguration
        lane.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        if let readTimeout { lane.timeout.read = TimeAmount(readTimeout) }
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: lane)
    }
    let clients = [
        client(connections: EtcdStore.requestConnections), client(connections: EtcdStore.leaseConnections),
        // A watch stream that stays silent this long is given up (and resumed elsewhere).
        client(connections: EtcdStore.watchConnections, readTimeout: configuration.watchIdleTimeout),
    ]
    let store = EtcdStore(
        requestClient: clients[0], leaseClient: clients[1], watchClient: clients[2], leaseStream: leaseStream,
        configuration: configuration, endpoints: endpoints, logger: logger)
    let result: Result
    do {
        result = try await body(store)
    } catch {
        await leaseStream?.close()
        for client in clients { try? await client.shutdown() }
        throw error
    }
    await leaseStream?.close()
    for client in clients { try await client.shutdown() }
    return result
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
