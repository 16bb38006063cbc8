import Foundation

extension EtcdStore {
    /// Grants a lease; etcd may grant more than `ttl` (its minimum is about 1.5 election
    /// timeouts). Retried on another endpoint: an orphaned lease simply expires.
    public func grantLease(ttl: Duration) async throws -> Lease {
        let seconds = max(1, MemoryStore.wholeSeconds(ttl))
        let response = try await call(
            "/v3/lease/grant", EtcdWire.LeaseGrantRequest(TTL: .init(seconds)), as: EtcdWire.LeaseGrantResponse.self,
            policy: .idempotent, lane: .leases)
        if let error = response.error, !error.isEmpty {
            throw VigilStoreError(.unavailable, "etcd refused the lease: \(error)")
        }
        guard let id = response.ID?.value, id != 0 else {
            throw VigilStoreError(.invalidResponse, "etcd granted a lease without an id")
        }
        return Lease(id: id, ttl: .seconds(response.TTL?.value ?? seconds))
    }

    /// Renews a lease once: one message on the store's keep-alive stream to the current
    /// endpoint (``EtcdLeaseStream``), or through the gateway while that stream is being
    /// opened. When the stream has not answered within
    /// ``EtcdConfiguration/leaseHedgeDelay``, the renewal also goes through the gateway
    /// (`/v3/lease/keepalive`) from the next endpoint on, hedged in turn: an endpoint that
    /// has not answered within that delay gets company from the next one (and so on, in
    /// order), and the first answer wins — a silent member costs a renewal that delay, not
    /// the whole request timeout, and a merely busy one keeps its place when it answers
    /// first. When the stream fails, the gateway takes over at once. An endpoint that
    /// answered through the gateway first becomes the store's current one (and the stream
    /// follows it).
    public func keepAlive(_ lease: Int64) async throws -> KeepAliveResult {
        guard let leaseStream else { return try await gatewayKeepAlive(lease, from: nil) }
        let index = currentIndex()
        let next = (index + 1) % endpoints.count
        let renewal: EtcdLeaseStream.Renewal
        do {
            renewal = try await leaseStream.renew(
                lease, endpointIndex: index, token: try await token(endpointIndex: index), within: configuration.leaseHedgeDelay)
        } catch is CancellationError {
            throw CancellationError()
        } catch let failure as Failure where failure.kind == .final {
            throw failure.error
        } catch {
            if case LeaseStreamError.badToken = error { invalidateToken() }
            logger.debug("keep-alive stream failed: using the gateway", metadata: ["endpoint": "\(endpoints[index])", "error": "\(error)"])
            return try await gatewayKeepAlive(lease, from: next)
        }
        switch renewal {
        case .notOpen:
            return try await gatewayKeepAlive(lease, from: index)
        case .answered(let ttl):
            state.withLock { $0.keepAlives.stream += 1 }
            return ttl > 0 ? .alive(ttl: .seconds(ttl)) : .notFound
        case .slow(let answer):
            return try await withThrowingTaskGroup(of: KeepAliveResult?.self) { group in
                group.addTask {
                    guard let ttl = try? await EtcdLeaseStream.wait(for: answer) else { return nil }
                    self.state.withLock { $0.keepAlives.stream += 1 }
                    return ttl > 0 ? .alive(ttl: .seconds(ttl)) : .notFound
                }
                group.addTask { try await self.gatewayKeepAlive(lease, from: next) }
                var lastError: (any Error)?
                while true {
                    let outcome: Result<KeepAliveResult?, any Error>
                    do {
                        guard let result = try await group.next() else { break }
                        outcome = .success(result)
                    } catch {
                        outcome = .failure(error)
                    }
                    switch outcome {
                    case .success(let result?):
                        group.cancelAll()
                        return result
                    case .success(nil):
                        continue
                    case .failure(let error):
                        lastError = error
                    }
                }
                throw lastError ?? VigilStoreError(.unavailable, "no etcd endpoint renewed the lease")
            }
        }
    }

    /// Renews through the gateway, hedged from `from` (or the current endpoint) on.
    private func gatewayKeepAlive(_ lease: Int64, from: Int?) async throws -> KeepAliveResult {
        var response = try await keepAliveOnce(lease, from: from)
        if let error = response.error, Self.isBadTokenMessage(error.message ?? ""), configuration.credentials != nil {
            invalidateToken()
            response = try await keepAliveOnce(lease, from: from)
        }
        if let error = response.error {
            let message = error.message ?? error.error ?? "unknown error"
            throw VigilStoreError(Self.isBadTokenMessage(message) ? .auth : .unavailable, "etcd keep-alive failed: \(message)")
        }
        state.withLock { $0.keepAlives.gateway += 1 }
        // A lease that no longer exists answers TTL 0, which the gateway omits.
        guard let ttl = response.result?.TTL?.value, ttl > 0 else { return .notFound }
        return .alive(ttl: .seconds(ttl))
    }

    private func keepAliveOnce(_ lease: Int64, from: Int?) async throws -> EtcdWire.StreamLine<EtcdWire.LeaseKeepAliveResponse> {
        try await hedgedLeaseCall(
            "/v3/lease/keepalive", EtcdWire.LeaseIDRequest(ID: .init(lease)), as: EtcdWire.StreamLine<EtcdWire.LeaseKeepAliveResponse>.self,
            from: from)
    }

    /// What one endpoint's attempt of a hedged call gave.
    private enum Attempt: Sendable {
        case answer(index: Int, bytes: [UInt8])
        case failed(index: Int, failure: Failure)
        case hedge
    }

    /// POSTs an idempotent lease call to the current endpoint (or `from`), then — each time
    /// ``EtcdConfiguration/leaseHedgeDelay`` passes without an answer, or an attempt fails
    /// — to the next one as well, round the endpoints again and again (during an etcd
    /// leader election every member fails or hangs until a new leader serves, and then a
    /// fresh attempt succeeds at once); returns the first answer and cancels the rest.
    /// Gives up after ``EtcdConfiguration/requestTimeout`` per endpoint in all (the caller,
    /// racing its own deadline, usually cancels it sooner).
    func hedgedLeaseCall<Request: Encodable & Sendable, Response: Decodable & Sendable>(
        _ path: String, _ body: Request, as: Response.Type, from: Int? = nil
    ) async throws -> Response {
        let payload = try Self.encode(body, for: path)
        let start = from ?? currentIndex()
        let count = endpoints.count
        let delay = configuration.leaseHedgeDelay
        let giveUp = ContinuousClock.now + configuration.requestTimeout * max(2, count)
        let bytes: (index: Int, bytes: [UInt8]) = try await withThrowingTaskGroup(of: Attempt.self) { group in
            var launched = 0
            var running = 0
            var lastError = VigilStoreError(.unavailable, "no etcd endpoint answered \(path)")
            func launch() {
                let index = (start + launched) % count
                launched += 1
                running += 1
                group.addTask {
                    do {
                        return .answer(index: index, bytes: try await self.post(path, payload, endpointIndex: index, authenticated: true, lane: .leases))
                    } catch let failure as Failure {
                        return .failed(index: index, failure: failure)
                    }
                }
            }
            func armHedge() {
                group.addTask {
                    try await Task.sleep(for: delay)
                    return .hedge
                }
            }
            launch()
            armHedge()
            while let attempt = try await group.next() {
                switch attempt {
                case .hedge:
                    guard ContinuousClock.now < giveUp else { continue }
                    launch()
                    armHedge()
                case .answer(let index, let bytes):
                    group.cancelAll()
                    return (index, bytes)
                case .failed(_, let failure):
                    running -= 1
                    if failure.kind == .final || failure.kind == .badToken {
                        group.cancelAll()
                        throw failure.error
                    }
                    lastError = failure.error
                    if ContinuousClock.now >= giveUp, running == 0 {
                        group.cancelAll()
                        throw lastError
                    }
                }
            }
            throw lastError
        }
        if bytes.index != currentIndex() { prefer(bytes.index, reason: "\(path) answered there first") }
        do {
            return try JSONDecoder().decode(Response.self, from: Data(bytes.bytes))
        } catch {
            throw VigilStoreError(.invalidResponse, "cannot decode etcd \(path) answer", cause: error)
        }
    }

    /// Revokes a lease (its keys are deleted); a lease already gone is not an error.
    public func revokeLease(_ lease: Int64) async throws {
        do {
            _ = try await call("/v3/lease/revoke", EtcdWire.LeaseIDRequest(ID: .init(lease)), as: EtcdWire.Empty.self, policy: .idempotent, lane: .leases)
        } catch let error as VigilStoreError where error.code == .leaseNotFound {
            return
        }
    }

    /// Describes a lease, nil when it no longer exists.
    public func timeToLive(_ lease: Int64) async throws -> LeaseInfo? {
        let response = try await call(
            "/v3/lease/timetolive", EtcdWire.LeaseTimeToLiveRequest(ID: .init(lease), keys: true),
            as: EtcdWire.LeaseTimeToLiveResponse.self, policy: .idempotent, lane: .leases)
        // A dead lease answers TTL -1 and no grantedTTL; a live one about to expire has
        // TTL 0, which the gateway omits.
        let ttl = response.TTL?.value ?? 0
        guard ttl >= 0, let granted = response.grantedTTL?.value, granted > 0 else { return nil }
        let keys = try (response.keys ?? []).map { String(decoding: try EtcdWire.decode($0), as: UTF8.self) }.sorted()
        return LeaseInfo(id: lease, remaining: .seconds(ttl), granted: .seconds(granted), keys: keys)
    }
}
