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
/// failure drops the connection. A connection is opened in the background, started by the
/// first renewal that finds none; until it is open, renewals go through the gateway as
/// before (so a cold start or a move to another member costs a renewal nothing).
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
        /// No stream to that endpoint is open yet: one is being opened, and this renewal
        /// must go another way.
        case notOpen
    }

    /// Renews `lease` on the open stream to `endpointIndex` and waits for the answer up to
    /// `within`. When no stream to it is open, starts opening one (on SwiftNIO's event
    /// loop, not awaited: a connection that takes long to open — a busy or silent member —
    /// never delays a renewal) and answers ``Renewal/notOpen``.
    /// - Throws: ``LeaseStreamError`` when the stream ends first, `CancellationError`.
    func renew(_ lease: Int64, endpointIndex: Int, token: String?, within: Duration) async throws -> Renewal {
        guard let stream = try stream(for: Target(endpointIndex: endpointIndex, token: token)) else { return .notOpen }
        let loop = stream.eventLoop
        let answer = loop.makePromise(of: Int64.self)
        stream.writeAndFlush(LeaseKeepAliveSend(lease: lease, promise: answer)).cascadeFailure(to: answer)
        // The first of the answer and the timer; the timer is a task on the connection's
        // event loop, so a renewal answered in time wakes no other thread.
        let first = loop.makePromise(of: Renewal.self)
        let timer = loop.scheduleTask(in: TimeAmount(within)) { first.succeed(.slow(answer.futureResult)) }
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

    /// Closes the connection (and one being opened); later renewals fail.
    func close() async {
        let (connection, opening) = state.withLock { state -> (Connection?, EventLoopFuture<Connection>?) in
            state.closed = true
            defer {
                state.connection = nil
                state.opening = nil
            }
            return (state.connection, state.opening?.future)
        }
        if let connection { try? await connection.parent.close() }
        // One still opening is closed when it completes (it finds the stream closed).
        if let opening { _ = try? await opening.get() }
    }

    /// The open stream for `target`; nil after starting to open one (or while one opens).
    private func stream(for target: Target) throws -> (any Channel)? {
        let (stale, open) = try state.withLock { state throws -> (Connection?, Bool) in
            guard !state.closed else { throw LeaseStreamError.ended("the store is closed") }
            if let connection = state.connection, connection.target == target, connection.stream.isActive {
                return (nil, false)
            }
            if let opening = state.opening, opening.target == target { return (nil, false) }
            let stale = state.connection
            state.connection = nil
            state.opening = nil
            return (stale, true)
        }
        stale?.parent.close(promise: nil)
        if open {
            startOpening(target)
            return nil
        }
        return state.withLock { state in
            guard let connection = state.connection, connection.target == target, connection.stream.isActive else { return nil }
            return connection.stream
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

    /// Opens a connection and its stream for `target` on an event loop; the result becomes
    /// the stream's connection unless another target was asked for meanwhile.
    private func startOpening(_ target: Target) {
        let endpoint = endpoints[target.endpointIndex]
        guard let url = URLComponents(string: endpoint), var host = url.host else {
            logger.warning("cannot parse the etcd endpoint for the keep-alive stream", metadata: ["endpoint": "\(endpoint)"])
            return
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
        let fixedHeaders = headers
        let sslContext = secure ? self.sslContext : nil
        let serverName = isAddressLiteral(host) ? nil : host
        let opened = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port)
            .flatMap { (parent: any Channel) -> EventLoopFuture<Connection> in
                let stream = parent.eventLoop.flatSubmit { () -> EventLoopFuture<any Channel> in
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
                }
                return stream.map { Connection(target: target, parent: parent, stream: $0) }.flatMapErrorThrowing { error in
                    parent.close(promise: nil)
                    throw error
                }
            }
        state.withLock { $0.opening = (target, opened) }
        let logger = self.logger
        opened.whenComplete { [self] result in
            switch result {
            case .success(let connection):
                let keep = state.withLock { state -> Bool in
                    guard !state.closed, state.opening?.future === opened else { return false }
                    state.opening = nil
                    state.connection = connection
                    return true
                }
                if keep {
                    logger.debug("etcd keep-alive stream open", metadata: ["endpoint": "\(endpoint)"])
                } else {
                    connection.parent.close(promise: nil)
                }
            case .failure(let error):
                state.withLock { state in
                    if state.opening?.future === opened { state.opening = nil }
                }
                logger.debug("cannot open the etcd keep-alive stream", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            }
        }
    }
}

/// Whether `host` is an IPv4 or IPv6 address (TLS names only a host name as its server).
private func isAddressLiteral(_ host: String) -> Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
}
