import Foundation
import Logging
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix
import NIOSSL
import Synchronization

/// The lease keep-alive stream of an ``EtcdStore``: one HTTP/2 connection to one endpoint
/// carrying one gRPC `Lease/LeaseKeepAlive` call, on which every renewal is one message
/// each way — as etcd's own clients renew.
///
/// Why: through the JSON gateway each renewal is an HTTP/1 request that etcd turns into a
/// gRPC stream of its own, opened and closed per renewal; an agent renews several times a
/// second, so at 64 agents that cost a third of a core in etcd and most of each agent's idle
/// CPU. On the stream a renewal is a write and a read on an open connection.
///
/// The stream goes to the endpoint the store currently uses; when the store moves on (the
/// gateway answered elsewhere first) or the token changes, the connection is replaced. A
/// failure drops the connection, and the next renewal opens a new one.
final class EtcdLeaseStream: Sendable {
    /// What a connection is bound to.
    private struct Target: Hashable, Sendable {
        var endpointIndex: Int
        var token: String?
    }

    private struct Connection: Sendable {
        var target: Target
        var parent: any Channel
        var stream: any Channel
    }

    private struct State {
        var connection: Connection?
        /// A connection being opened, which renewals for the same target wait for.
        var opening: (target: Target, future: EventLoopFuture<Connection>)?
        var closed = false
    }

    private let state = Mutex(State())
    private let group: any EventLoopGroup
    private let endpoints: [String]
    private let sslContext: NIOSSLContext?
    private let connectTimeout: Duration
    private let logger: Logger

    /// A stream manager for `endpoints` (normalized http:// or https:// URLs).
    init(group: any EventLoopGroup, endpoints: [String], tls: TLSConfiguration?, connectTimeout: Duration, logger: Logger) throws {
        self.group = group
        self.endpoints = endpoints
        if var tls {
            tls.applicationProtocols = ["h2"]
            do {
                sslContext = try NIOSSLContext(configuration: tls)
            } catch {
                throw VigilStoreError(.invalidConfiguration, "cannot set up TLS for the etcd keep-alive stream", cause: error)
            }
        } else {
            sslContext = nil
        }
        self.connectTimeout = connectTimeout
        self.logger = logger
    }

    /// What a renewal on the stream gave within its time.
    enum Renewal {
        /// etcd answered: the TTL in seconds (0 or less: the lease no longer exists).
        case answered(Int64)
        /// No answer yet: the answer to come (the stream keeps waiting for it, so that the
        /// caller can race it against other endpoints).
        case slow(EventLoopFuture<Int64>)
    }

    /// Renews `lease` on the stream to `endpointIndex`, opening it first if needed, and
    /// waits for the answer up to `within` (opening the connection included).
    /// - Throws: ``LeaseStreamError`` when the stream cannot be opened or ends first,
    ///   `CancellationError`.
    func renew(_ lease: Int64, endpointIndex: Int, token: String?, within: Duration) async throws -> Renewal {
        let clock = ContinuousClock()
        let start = clock.now
        let target = Target(endpointIndex: endpointIndex, token: token)
        let stream = try await stream(for: target, connectWithin: within)
        let left = max(within - (clock.now - start), .milliseconds(1))
        let loop = stream.eventLoop
        let answer = loop.makePromise(of: Int64.self)
        stream.writeAndFlush(LeaseKeepAliveSend(lease: lease, promise: answer)).cascadeFailure(to: answer)
        // The first of the answer and the timer; the timer is a task on the connection's
        // event loop, so a renewal answered in time wakes no other thread.
        let first = loop.makePromise(of: Renewal.self)
        let timer = loop.scheduleTask(in: TimeAmount(left)) { first.succeed(.slow(answer.futureResult)) }
        answer.futureResult.whenComplete { result in
            timer.cancel()
            first.completeWith(result.map { .answered($0) })
        }
        do {
            return try await withTaskCancellationHandler {
                try await first.futureResult.get()
            } onCancel: {
                first.fail(CancellationError())
            }
        } catch let error as LeaseStreamError {
            drop(stream)
            throw error
        }
    }

    /// Waits for an answer that was slow; cancellation stops the wait (not the stream).
    static func wait(for answer: EventLoopFuture<Int64>) async throws -> Int64 {
        let relay = answer.eventLoop.makePromise(of: Int64.self)
        answer.cascade(to: relay)
        return try await withTaskCancellationHandler {
            try await relay.futureResult.get()
        } onCancel: {
            relay.fail(CancellationError())
        }
    }

    /// Closes the connection; later renewals fail.
    func close() async {
        let connection = state.withLock { state -> Connection? in
            state.closed = true
            defer { state.connection = nil }
            return state.connection
        }
        if let connection { try? await connection.parent.close() }
    }

    private func stream(for target: Target, connectWithin: Duration) async throws -> any Channel {
        enum Next {
            case use(any Channel)
            case wait(EventLoopFuture<Connection>)
            case open(EventLoopPromise<Connection>, stale: Connection?)
        }
        let next = try state.withLock { state throws -> Next in
            guard !state.closed else { throw LeaseStreamError.ended("the store is closed") }
            if let connection = state.connection, connection.target == target, connection.stream.isActive {
                return .use(connection.stream)
            }
            if let opening = state.opening, opening.target == target { return .wait(opening.future) }
            let stale = state.connection
            state.connection = nil
            let promise = group.next().makePromise(of: Connection.self)
            state.opening = (target, promise.futureResult)
            return .open(promise, stale: stale)
        }
        switch next {
        case .use(let stream):
            return stream
        case .wait(let future):
            return try await future.get().stream
        case .open(let promise, let stale):
            stale?.parent.close(promise: nil)
            do {
                let opened = try await open(target, within: min(connectTimeout, connectWithin))
                let keep = state.withLock { state -> Bool in
                    if state.opening?.future === promise.futureResult { state.opening = nil }
                    guard !state.closed else { return false }
                    state.connection = opened
                    return true
                }
                if !keep { opened.parent.close(promise: nil) }
                promise.succeed(opened)
                return opened.stream
            } catch {
                state.withLock { state in
                    if state.opening?.future === promise.futureResult { state.opening = nil }
                }
                promise.fail(error)
                throw error
            }
        }
    }

    private func drop(_ stream: any Channel) {
        let dropped = state.withLock { state -> Connection? in
            guard let connection = state.connection, connection.stream === stream else { return nil }
            state.connection = nil
            return connection
        }
        dropped?.parent.close(promise: nil)
    }

    private func open(_ target: Target, within: Duration) async throws -> Connection {
        let endpoint = endpoints[target.endpointIndex]
        guard let url = URLComponents(string: endpoint), var host = url.host else {
            throw LeaseStreamError.ended("cannot parse the endpoint \(endpoint)")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let secure = url.scheme == "https"
        let port = url.port ?? (secure ? 443 : 80)
        var headers: HPACKHeaders = [
            ":method": "POST", ":scheme": secure ? "https" : "http", ":path": LeaseKeepAliveWire.path,
            ":authority": url.port.map { "\(url.host ?? host):\($0)" } ?? (url.host ?? host),
            "content-type": "application/grpc", "te": "trailers",
        ]
        if let token = target.token { headers.add(name: "token", value: token) }
        let sslContext = secure ? self.sslContext : nil
        let serverName = isAddressLiteral(host) ? nil : host
        let parent: any Channel
        do {
            parent = try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(within))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: host, port: port).get()
        } catch {
            throw LeaseStreamError.ended("cannot connect to \(endpoint): \(error)")
        }
        do {
            let fixedHeaders = headers
            let stream = try await parent.eventLoop.flatSubmit { () -> EventLoopFuture<any Channel> in
                do {
                    if let sslContext {
                        try parent.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    let multiplexer = try parent.pipeline.syncOperations.configureHTTP2Pipeline(
                        mode: .client, connectionConfiguration: .init(), streamConfiguration: .init()
                    ) { inbound in
                        // etcd opens no streams towards a client.
                        inbound.close()
                    }
                    return multiplexer.createStreamChannel { stream in
                        stream.eventLoop.makeCompletedFuture {
                            try stream.pipeline.syncOperations.addHandler(LeaseKeepAliveHandler(headers: fixedHeaders))
                        }
                    }
                } catch {
                    return parent.eventLoop.makeFailedFuture(error)
                }
            }.get()
            logger.debug("etcd keep-alive stream open", metadata: ["endpoint": "\(endpoint)"])
            return Connection(target: target, parent: parent, stream: stream)
        } catch {
            parent.close(promise: nil)
            throw LeaseStreamError.ended("cannot open a keep-alive stream to \(endpoint): \(error)")
        }
    }
}

/// Whether `host` is an IPv4 or IPv6 address (TLS names only a host name as its server).
private func isAddressLiteral(_ host: String) -> Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
}
