import Foundation
import Logging
import VigilCluster
import VigilStore

extension Vigil {
    /// Runs `body` only while this process holds the leadership `name`, and returns its value.
    ///
    /// Campaigns until elected (waiting while another process leads), then calls `body`
    /// with the fencing token. This process's session is an etcd lease of `ttl`, renewed
    /// by the agent's rule: if no renewal is confirmed in time, `body` is **cancelled at
    /// the self-fence deadline** (`ttl` less a safety margin after the last confirmed
    /// renewal was sent), before the lease can expire at etcd and another process can be
    /// elected; it is also cancelled when the leader key is deleted. `withLeadership`
    /// always waits for `body` to end, then resigns (the next candidate is elected at
    /// once) and revokes the session, on every path: return, throw or cancellation.
    ///
    /// Guard what the body writes with its token (``write(_:to:token:)``, or a store of
    /// your own that rejects tokens lower than the greatest it has seen): a process that
    /// was frozen past its deadline cannot tell until it runs again, and its token then
    /// is stale.
    ///
    /// - Parameters:
    ///   - name: the leadership (letters, digits, `.`, `_`, `-`, `:`, `@`).
    ///   - ttl: the session's lease TTL: how long a dead leader keeps it (at least 1 s).
    ///   - body: the leader's work; it must end soon after it is cancelled.
    /// - Returns: what `body` returned.
    /// - Throws: ``VigilKitError`` `leadershipLost` when the leadership was lost while
    ///   `body` ran (call again to campaign again), `invalidArgument`; `CancellationError`;
    ///   whatever `body` threw.
    public func withLeadership<Result: Sendable>(
        _ name: String, ttl: Duration = .seconds(5),
        _ body: @escaping @Sendable (LeadershipToken) async throws -> Result
    ) async throws -> Result {
        try KeyName.validate(name, what: "the leadership name")
        guard ttl >= .seconds(1) else {
            throw VigilKitError(.invalidArgument, "the leadership's ttl must be at least 1s")
        }
        var logger = self.logger
        logger[metadataKey: "leadership"] = "\(name)"
        let (fences, fenced) = AsyncStream<Int64>.makeStream()
        // One session per call: two calls of one process campaign side by side.
        let session = Membership(
            store: store, key: keyspace.candidate(name, id: "\(identity).\(sessions.take())"),
            name: identity, value: Array(identity.utf8),
            policy: MembershipPolicy(ttl: ttl), clock: clock, logger: logger
        ) { lease in fenced.yield(lease) }
        let election = CoordinatorElection(
            store: store, key: keyspace.leader(name), candidate: identity, role: "leader of \(name)", logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await session.run() }
            let outcome: Swift.Result<Result, any Error>
            do {
                let (token, lease) = try await campaign(name, session: session, election: election, logger: logger)
                outcome = await lead(
                    token, lease: lease, fences: fences, election: election, logger: logger, body: body)
            } catch {
                outcome = .failure(error)
            }
            await Self.close(election: election, session: session)
            group.cancelAll()
            return try outcome.get()
        }
    }

    /// Who leads `name` now, or nil.
    public func leader(of name: String) async throws -> Leader? {
        try KeyName.validate(name, what: "the leadership name")
        guard let kv = try await store.get(keyspace.leader(name)) else { return nil }
        return Leader(identity: kv.stringValue, token: LeadershipToken(name: name, revision: kv.createRevision))
    }

    /// Writes `value` at `key` of the leadership's data (`leadership/<name>/data/<key>`),
    /// only if `token` is the current leader's: the write and the check are one etcd
    /// transaction, so a deposed leader's write fails even if it still believes it leads.
    ///
    /// - Throws: ``VigilKitError`` `staleToken` (nothing written), `invalidArgument`.
    public func write(_ value: [UInt8], to key: String, token: LeadershipToken) async throws {
        try Self.validateDataKey(key)
        try KeyName.validate(token.name, what: "the leadership name")
        let result = try await store.txn(
            Txn(
                compares: [.created(keyspace.leader(token.name), at: token.revision)],
                success: [.put(key: keyspace.leaderData(token.name, key: key), value: value, lease: nil)]))
        guard result.succeeded else {
            throw VigilKitError(.staleToken, "token \(token) is not the current leader's: \(key) not written")
        }
    }

    /// Reads `key` of the leadership `name`'s data, or nil.
    public func read(_ key: String, leadership name: String) async throws -> [UInt8]? {
        try Self.validateDataKey(key)
        try KeyName.validate(name, what: "the leadership name")
        return try await store.get(keyspace.leaderData(name, key: key))?.value
    }

    static func validateDataKey(_ key: String) throws {
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
            try KeyName.validate(String(segment), what: "each segment of the data key \"\(key)\"")
        }
    }

    /// Campaigns until this process leads with a confirmed session; returns the token and
    /// the session's lease it was won with.
    private func campaign(
        _ name: String, session: Membership, election: CoordinatorElection, logger: Logger
    ) async throws -> (LeadershipToken, Int64) {
        let retry = MembershipPolicy(ttl: .seconds(1)).retryInterval
        while true {
            try Task.checkCancellation()
            guard let lease = await session.lease, await session.leaseConfirmed else {
                try await clock.sleep(for: .milliseconds(20))
                continue
            }
            do {
                if let term = try await election.campaign(lease: lease) {
                    if await session.lease == lease, await session.leaseConfirmed {
                        return (LeadershipToken(name: name, revision: term), lease)
                    }
                    // Fenced while campaigning: never lead on a term won with a lost session.
                    try await election.resign()
                    continue
                }
                let read = try await store.range(.key(election.key))
                guard read.kvs.first != nil else { continue }
                try await Self.waitForDeletion(of: election.key, from: read.revision + 1, store: store)
            } catch let error as CancellationError {
                throw error
            } catch {
                logger.warning("campaign failed; retrying", metadata: ["error": "\(error)"])
                try await clock.sleep(for: retry)
            }
        }
    }

    /// Runs `body` until it ends, or the session is fenced or the key deleted (then the
    /// body is cancelled and awaited).
    private func lead<Result: Sendable>(
        _ token: LeadershipToken, lease: Int64, fences: AsyncStream<Int64>, election: CoordinatorElection, logger: Logger,
        body: @escaping @Sendable (LeadershipToken) async throws -> Result
    ) async -> Swift.Result<Result, any Error> {
        let store = self.store
        let clock = self.clock
        let key = election.key
        return await withTaskGroup(of: LeadershipPhase<Result>.self) { group in
            group.addTask {
                do {
                    return .finished(.success(try await body(token)))
                } catch {
                    return .finished(.failure(error))
                }
            }
            group.addTask {
                for await fenced in fences where fenced == lease {
                    return .lost("its session was not renewed before the self-fence deadline")
                }
                return .quiet
            }
            group.addTask {
                await Self.watchTerm(key: key, token: token, store: store, clock: clock)
            }
            var lostBecause: String?
            while let phase = await group.next() {
                switch phase {
                case .finished(let result):
                    group.cancelAll()
                    if let lostBecause { return .failure(VigilKitError(.leadershipLost, "lost \(token): \(lostBecause)")) }
                    return result
                case .lost(let reason):
                    guard lostBecause == nil else { continue }
                    lostBecause = reason
                    await election.depose()
                    logger.critical("leadership lost: cancelling its work", metadata: ["token": "\(token.revision)", "reason": "\(reason)"])
                    group.cancelAll()
                case .quiet:
                    continue
                }
            }
            return .failure(VigilKitError(.leadershipLost, "lost \(token): \(lostBecause ?? "its work ended without a result")"))
        }
    }

    /// Returns `.lost` when the leader key of `token` is deleted (or replaced), `.quiet`
    /// when cancelled; store failures are retried (the session's deadline covers them).
    private static func watchTerm<Result: Sendable>(
        key: String, token: LeadershipToken, store: any ClusterStore, clock: any Clock<Duration>
    ) async -> LeadershipPhase<Result> {
        var from = token.revision + 1
        while !Task.isCancelled {
            do {
                let read = try await store.range(.key(key))
                guard let holder = read.kvs.first, holder.createRevision == token.revision else {
                    return .lost("the leader key was deleted")
                }
                from = max(from, read.revision + 1)
                try await waitForDeletion(of: key, from: from, store: store)
                return .lost("the leader key was deleted")
            } catch {
                if Task.isCancelled { return .quiet }
                try? await clock.sleep(for: .milliseconds(200))
            }
        }
        return .quiet
    }

    /// Returns when `key` is deleted at or after `revision`; throws when the watch ends
    /// otherwise (compaction, store failure), so the caller reads again.
    static func waitForDeletion(of key: String, from revision: Int64, store: any ClusterStore) async throws {
        for try await update in store.watch(prefix: key, fromRevision: revision) {
            guard case .events(let events, _) = update else {
                throw VigilKitError(.conflict, "the watch of \(key) was compacted")
            }
            if events.contains(where: { $0.kind == .delete && $0.kv.key == key }) { return }
        }
        try Task.checkCancellation()
        throw VigilKitError(.conflict, "the watch of \(key) ended")
    }

    /// Resigns and revokes the session, also when the calling task was cancelled: a
    /// graceful end lets the next candidate take over at once instead of after the TTL.
    private static func close(election: CoordinatorElection, session: Membership) async {
        await shielded {
            try? await election.resign()
            try? await session.leave()
        }
    }
}
