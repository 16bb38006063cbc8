import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

extension EtcdStore {
    /// Whether a request may be retried on another endpoint after an ambiguous failure.
    enum RetryPolicy {
        /// Reads and idempotent lease calls: retry on any endpoint failure.
        case idempotent
        /// Writes: retry only when the request certainly was not applied.
        case unlessMaybeApplied
    }

    /// How a failed attempt is handled.
    struct Failure: Error {
        enum Kind {
            /// Not applied (connection refused, no leader): try the next endpoint.
            case notApplied
            /// May have been applied (timeout, reset, etcd request timeout).
            case maybeApplied
            /// The auth token was rejected: authenticate again.
            case badToken
            /// A definitive answer: report it.
            case final
        }

        var kind: Kind
        var error: VigilStoreError
    }

    static let maximumResponseBytes = 64 * 1024 * 1024

    /// POSTs `body` to `path` on the current endpoint, rotating and retrying per `policy`.
    func call<Request: Encodable & Sendable, Response: Decodable & Sendable>(
        _ path: String, _ body: Request, as: Response.Type, policy: RetryPolicy, lane: Lane = .requests
    ) async throws -> Response {
        let payload = try Self.encode(body, for: path)
        var lastError = VigilStoreError(.unavailable, "no etcd endpoint answered \(path)")
        var attempts = 0
        var reauthenticated = false
        while attempts < endpoints.count {
            let index = currentIndex()
            do {
                let bytes = try await post(path, payload, endpointIndex: index, authenticated: true, lane: lane)
                do {
                    return try JSONDecoder().decode(Response.self, from: Data(bytes))
                } catch {
                    throw Failure(kind: .final, error: VigilStoreError(.invalidResponse, "cannot decode etcd \(path) answer", cause: error))
                }
            } catch let failure as Failure {
                switch failure.kind {
                case .final:
                    throw failure.error
                case .badToken where configuration.credentials != nil && !reauthenticated:
                    reauthenticated = true
                    invalidateToken()
                    continue
                case .badToken:
                    throw failure.error
                case .notApplied:
                    rotate(from: index, reason: failure.error.message)
                case .maybeApplied:
                    rotate(from: index, reason: failure.error.message)
                    if policy == .unlessMaybeApplied { throw failure.error }
                }
                lastError = failure.error
                attempts += 1
            }
        }
        throw lastError
    }

    /// The JSON body of a `path` request.
    static func encode(_ body: some Encodable, for path: String) throws -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(body))
        } catch {
            throw VigilStoreError(.invalidArgument, "cannot encode \(path) request", cause: error)
        }
    }

    /// One attempt: POST to one endpoint, returning the body of a 200 answer.
    func post(
        _ path: String, _ payload: [UInt8], endpointIndex: Int, authenticated: Bool, lane: Lane = .requests
    ) async throws -> [UInt8] {
        let endpoint = endpoints[endpointIndex]
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if authenticated, let token = try await token(endpointIndex: endpointIndex) {
            request.headers.add(name: "Authorization", value: token)
        }
        request.body = .bytes(ByteBuffer(bytes: payload))
        let send = { [request, logger] (client: HTTPClient) async throws -> (HTTPResponseStatus, ByteBuffer) in
            // The deadline starts once the request may go: waiting for a place is not the
            // endpoint's fault and cannot have applied anything.
            let deadline = NIODeadline.now() + TimeAmount(self.configuration.requestTimeout)
            do {
                let response = try await client.execute(request, deadline: deadline, logger: logger)
                return (response.status, try await response.body.collect(upTo: Self.maximumResponseBytes))
            } catch {
                if Task.isCancelled { throw CancellationError() }
                throw Self.classifyTransport(error, endpoint: endpoint, path: path)
            }
        }
        let (status, body) =
            switch lane {
            case .requests: try await requestGate.withPermit { try await send(requestClient) }
            case .leases: try await send(leaseClient)
            }
        let bytes = Array(body.readableBytesView)
        guard status == .ok else {
            let errorBody = try? JSONDecoder().decode(EtcdWire.ErrorBody.self, from: Data(bytes))
            throw Self.classifyAnswer(status: status, body: errorBody, endpoint: endpoint, path: path)
        }
        return bytes
    }

    /// The auth token, authenticating first when credentials are set and no token is held.
    func token(endpointIndex: Int) async throws -> String? {
        guard let credentials = configuration.credentials else { return nil }
        if let token = state.withLock({ $0.token }) { return token }
        let request = EtcdWire.AuthenticateRequest(name: credentials.username, password: credentials.password)
        let payload = Array(try JSONEncoder().encode(request))
        let bytes: [UInt8]
        do {
            bytes = try await post("/v3/auth/authenticate", payload, endpointIndex: endpointIndex, authenticated: false)
        } catch let failure as Failure where failure.kind == .badToken {
            throw Failure(kind: .final, error: VigilStoreError(.auth, "etcd authentication failed", cause: failure.error))
        }
        guard let token = try? JSONDecoder().decode(EtcdWire.AuthenticateResponse.self, from: Data(bytes)).token else {
            throw Failure(kind: .final, error: VigilStoreError(.invalidResponse, "etcd authentication returned no token"))
        }
        logger.debug("authenticated to etcd", metadata: ["endpoint": "\(endpoints[endpointIndex])", "user": "\(credentials.username)"])
        state.withLock { $0.token = token }
        return token
    }

    static func classifyTransport(_ error: any Error, endpoint: String, path: String) -> Failure {
        let where_ = "\(endpoint)\(path)"
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded {
                return Failure(kind: .maybeApplied, error: VigilStoreError(.timeout, "\(where_) did not answer in time", cause: error))
            }
            if error == .connectTimeout || error == .getConnectionFromPoolTimeout {
                return Failure(kind: .notApplied, error: VigilStoreError(.unavailable, "cannot connect to \(endpoint)", cause: error))
            }
        }
        if error is NIOConnectionError {
            return Failure(kind: .notApplied, error: VigilStoreError(.unavailable, "cannot connect to \(endpoint)", cause: error))
        }
        if case ChannelError.connectTimeout = error {
            return Failure(kind: .notApplied, error: VigilStoreError(.unavailable, "cannot connect to \(endpoint)", cause: error))
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
            return Failure(kind: .notApplied, error: VigilStoreError(.unavailable, "cannot connect to \(endpoint)", cause: error))
        }
        return Failure(kind: .maybeApplied, error: VigilStoreError(.unavailable, "\(where_) failed; a write may have been applied", cause: error))
    }

    static func classifyAnswer(status: HTTPResponseStatus, body: EtcdWire.ErrorBody?, endpoint: String, path: String) -> Failure {
        let message = body?.message ?? body?.error ?? "HTTP \(status.code)"
        let code = body?.code ?? body?.grpc_code
        let text = "\(endpoint)\(path): \(message)"
        if isBadTokenMessage(message) {
            return Failure(kind: .badToken, error: VigilStoreError(.auth, text))
        }
        if message.contains("authentication failed") || message.contains("permission denied") {
            return Failure(kind: .final, error: VigilStoreError(.auth, text))
        }
        if message.contains("lease not found") {
            return Failure(kind: .final, error: VigilStoreError(.leaseNotFound, text))
        }
        if message.contains("has been compacted") {
            return Failure(kind: .final, error: VigilStoreError(.compacted, text))
        }
        switch code {
        case 3, 11:
            return Failure(kind: .final, error: VigilStoreError(.invalidArgument, text))
        case 7, 16:
            return Failure(kind: .final, error: VigilStoreError(.auth, text))
        case 4:
            return Failure(kind: .maybeApplied, error: VigilStoreError(.timeout, text))
        default:
            break
        }
        if code == 14 || status == .serviceUnavailable || status.code >= 500 {
            let notApplied = ["no leader", "too many requests", "not capable", "server stopped"]
            if notApplied.contains(where: message.contains) {
                return Failure(kind: .notApplied, error: VigilStoreError(.unavailable, text))
            }
            let code: VigilStoreError.Code = message.contains("timed out") ? .timeout : .unavailable
            return Failure(kind: .maybeApplied, error: VigilStoreError(code, text))
        }
        return Failure(kind: .final, error: VigilStoreError(.invalidResponse, text))
    }
}
