import Foundation
import Logging
import Testing
import VigilStore

/// EtcdStore against a real 3-member etcd cluster (started once for the suite): rotation
/// when a member dies, watch resumption, deadlines and latency.
@Suite(.etcd(members: 3), .serialized)
struct EtcdClusterTests {
    /// Creates `key` (compare-guarded, hence safely retried) until it exists.
    func createRetrying(_ store: EtcdStore, _ key: String, _ value: String) async throws {
        try await eventually("\(key) to be written", timeout: .seconds(30), every: .milliseconds(50)) {
            let result = try await store.create(key, Array(value.utf8))
            if result.succeeded { return true }
            guard case .get(let existing) = result.results.first else { return false }
            return existing.first?.stringValue == value
        }
    }

    /// Kills member `index`, runs `body`, and restarts the member whatever happened.
    func withMemberKilled(_ cluster: EtcdCluster, _ index: Int, _ body: () async throws -> Void) async throws {
        try await cluster.kill(index)
        do {
            try await body()
        } catch {
            try? await cluster.restart(index)
            throw error
        }
        try await cluster.restart(index)
    }

    @Test func watchResumesAfterTheEndpointItUsedIsKilled() async throws {
        let cluster = try EtcdFixture.current()
        let prefix = "/t/\(UUID().uuidString)/"
        try await withEtcdStore(EtcdConfiguration(endpoints: await cluster.endpoints), logger: quietLogger) { store in
            let used = store.currentEndpoint
            let killed = try #require(await cluster.endpoints.firstIndex(of: used))
            let start = try await store.range(prefix: prefix).revision
            let sink = EventSink()
            try await withThrowingTaskGroup(of: Void.self) { group in
                defer { group.cancelAll() }
                group.addTask { await sink.consume(store.watch(prefix: prefix, fromRevision: start + 1)) }
                for index in 1...3 { try await createRetrying(store, prefix + "k\(index)", "v\(index)") }
                try await eventually("3 events before the kill") { await sink.count >= 3 }
                try await withMemberKilled(cluster, killed) {
                    for index in 4...6 { try await createRetrying(store, prefix + "k\(index)", "v\(index)") }
                    try await eventually("6 events after the kill", timeout: .seconds(30)) { await sink.count >= 6 }
                    #expect(store.currentEndpoint != used)
                }
            }
            let keys = await sink.events.map { String($0.kv.key.dropFirst(prefix.count)) }
            #expect(keys == ["k1", "k2", "k3", "k4", "k5", "k6"])
            #expect(await sink.compactions.isEmpty)
            #expect(await sink.failure == nil)
        }
    }

    @Test func watchResumingIntoACompactedRevisionYieldsCompacted() async throws {
        let cluster = try EtcdFixture.current()
        let prefix = "/t/\(UUID().uuidString)/"
        let all = await cluster.endpoints
        // The watcher knows only member 0; the writer uses the others.
        let watcherConfiguration = EtcdConfiguration(endpoints: [all[0]])
        try await withEtcdStore(watcherConfiguration, logger: quietLogger) { watcher in
            try await withEtcdStore(EtcdConfiguration(endpoints: Array(all[1...])), logger: quietLogger) { writer in
                let start = try await writer.range(prefix: prefix).revision
                let sink = EventSink()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    defer { group.cancelAll() }
                    group.addTask { await sink.consume(watcher.watch(prefix: prefix, fromRevision: start + 1)) }
                    try await createRetrying(writer, prefix + "k1", "v1")
                    try await eventually("the first event") { await sink.count == 1 }
                    var compactedAt: Int64 = 0
                    try await withMemberKilled(cluster, 0) {
                        // While the watcher is cut off, history it has not seen is compacted.
                        try await createRetrying(writer, prefix + "k2", "v2")
                        try await createRetrying(writer, prefix + "k3", "v3")
                        compactedAt = try await writer.range(prefix: prefix).revision
                        try await writer.compact(compactedAt)
                    }
                    // Member 0 is back: the watch resumes at k2's revision, which is gone.
                    try await eventually("the compaction to reach the watcher") { await sink.compactions == [compactedAt] }
                }
                #expect(await sink.events.map(\.kv.key) == [prefix + "k1"])
                #expect(await sink.failure == nil)
            }
        }
    }

    @Test func watchAndRequestsMovePastAMemberThatHangs() async throws {
        let cluster = try EtcdFixture.current()
        let prefix = "/t/\(UUID().uuidString)/"
        let all = await cluster.endpoints
        let configuration = EtcdConfiguration(endpoints: all, requestTimeout: .milliseconds(500), watchIdleTimeout: .seconds(1))
        try await withEtcdStore(configuration, logger: quietLogger) { store in
            try await withEtcdStore(EtcdConfiguration(endpoints: Array(all[1...])), logger: quietLogger) { writer in
                #expect(store.currentEndpoint == all[0])
                let start = try await writer.range(prefix: prefix).revision
                let sink = EventSink()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    defer { group.cancelAll() }
                    group.addTask { await sink.consume(store.watch(prefix: prefix, fromRevision: start + 1)) }
                    try await createRetrying(writer, prefix + "k1", "v1")
                    try await eventually("the first event") { await sink.count == 1 }
                    // Member 0 freezes with its connections open: no reset, no close.
                    await cluster.pause(0)
                    do {
                        try await createRetrying(writer, prefix + "k2", "v2")
                        try await eventually("the watch to move on", timeout: .seconds(30)) { await sink.count == 2 }
                        #expect(try await store.get(prefix + "k2")?.stringValue == "v2")
                        #expect(store.currentEndpoint != all[0])
                    } catch {
                        await cluster.resume(0)
                        throw error
                    }
                    await cluster.resume(0)
                }
                #expect(await sink.events.map(\.kv.key) == [prefix + "k1", prefix + "k2"])
                #expect(await sink.failure == nil)
            }
        }
        try await cluster.waitReady(0)
    }

    /// A keep-alive to a frozen member is hedged to the next one after the hedge delay,
    /// well inside the request timeout — the renewal a self-fence deadline waits for.
    @Test func aKeepAliveIsHedgedPastAFrozenMember() async throws {
        let cluster = try EtcdFixture.current()
        let all = await cluster.endpoints
        let leader = try await cluster.leaderIndex()
        // A follower first: freezing it leaves the cluster its leader, so what is measured
        // is the hedge, not an election.
        let follower = (leader + 1) % all.count
        let ordered = [all[follower]] + all.indices.filter { $0 != follower }.map { all[$0] }
        let configuration = EtcdConfiguration(endpoints: ordered, requestTimeout: .seconds(2), leaseHedgeDelay: .milliseconds(200))
        try await withEtcdStore(configuration, logger: quietLogger) { store in
            let lease = try await store.grantLease(ttl: .seconds(5))
            #expect(store.currentEndpoint == all[follower])
            await cluster.pause(follower)
            let clock = ContinuousClock()
            var took = Duration.zero
            var result: KeepAliveResult?
            do {
                let start = clock.now
                result = try await store.keepAlive(lease.id)
                took = clock.now - start
            } catch {
                await cluster.resume(follower)
                throw error
            }
            await cluster.resume(follower)
            #expect(result == .alive(ttl: .seconds(5)) || result == .alive(ttl: .seconds(4)), "\(String(describing: result))")
            // 200 ms of hedge delay plus a round trip; unhedged it would take the 2 s timeout.
            #expect(took < .milliseconds(1200), "keep-alive took \(took)")
            #expect(store.currentEndpoint != all[follower], "the store moved to the member that answered")
            // The frozen member's stream was slow, the gateway answered from the next one;
            // the next renewal rides a new stream to the member the store moved to.
            #expect(store.keepAliveCounts.stream == 0)
            try await eventually("a renewal on a stream to the member that answered", timeout: .seconds(10), every: .milliseconds(100)) {
                guard try await store.keepAlive(lease.id) != .notFound else { throw TestFailure("the lease is gone") }
                return store.keepAliveCounts.stream == 1
            }
            #expect(store.currentEndpoint != all[follower])
            try await store.revokeLease(lease.id)
        }
        try await cluster.waitReady(follower)
    }

    /// Renewals ride one gRPC stream once it is open (the first go through the gateway while
    /// it opens): each renews the lease at etcd (its remaining TTL is back at the full TTL),
    /// a revoked lease answers `notFound` on it, and the gateway is not used while the
    /// stream answers.
    @Test func keepAlivesRideOneStream() async throws {
        let cluster = try EtcdFixture.current()
        try await withEtcdStore(EtcdConfiguration(endpoints: await cluster.endpoints), logger: quietLogger) { store in
            let lease = try await store.grantLease(ttl: .seconds(4))
            #expect(try await store.keepAlive(lease.id) == .alive(ttl: .seconds(4)))
            #expect(store.keepAliveCounts == EtcdStore.KeepAliveCounts(stream: 0, gateway: 1), "the first renewal while the stream opens")
            try await eventually("a renewal on the stream", timeout: .seconds(10), every: .milliseconds(50)) {
                let result = try await store.keepAlive(lease.id)
                guard result == .alive(ttl: .seconds(4)) else { throw TestFailure("renewed: \(result)") }
                return store.keepAliveCounts.stream == 1
            }
            let gateway = store.keepAliveCounts.gateway
            for round in 1...3 {
                // Let the lease run down a whole second, then renew: etcd's remaining TTL
                // is full again only if the renewal reached it.
                try await eventually("the lease to run down", timeout: .seconds(5), every: .milliseconds(100)) {
                    try #require(try await store.timeToLive(lease.id)).remaining <= .seconds(2)
                }
                #expect(try await store.keepAlive(lease.id) == .alive(ttl: .seconds(4)))
                let remaining = try #require(try await store.timeToLive(lease.id)).remaining
                #expect(remaining >= .seconds(3), "round \(round): \(remaining) left after the renewal")
            }
            for _ in 0..<50 { #expect(try await store.keepAlive(lease.id) == .alive(ttl: .seconds(4))) }
            #expect(store.keepAliveCounts == EtcdStore.KeepAliveCounts(stream: 54, gateway: gateway))
            try await store.revokeLease(lease.id)
            #expect(try await store.keepAlive(lease.id) == .notFound)
            #expect(store.keepAliveCounts.stream == 55)
        }
        // The gateway path on its own, as with the stream turned off.
        let gatewayOnly = EtcdConfiguration(endpoints: await cluster.endpoints, leaseKeepAliveStream: false)
        try await withEtcdStore(gatewayOnly, logger: quietLogger) { store in
            let lease = try await store.grantLease(ttl: .seconds(4))
            #expect(try await store.keepAlive(lease.id) == .alive(ttl: .seconds(4)))
            try await store.revokeLease(lease.id)
            #expect(try await store.keepAlive(lease.id) == .notFound)
            #expect(store.keepAliveCounts == EtcdStore.KeepAliveCounts(stream: 0, gateway: 2))
        }
    }

    /// The member a stream renews through is killed: the next renewal fails on the stream
    /// at once (its connection closed), goes through the gateway to the next member, and
    /// the one after opens a stream there.
    @Test func aKeepAliveMovesOnWhenTheStreamsMemberIsKilled() async throws {
        let cluster = try EtcdFixture.current()
        try await withEtcdStore(EtcdConfiguration(endpoints: await cluster.endpoints), logger: quietLogger) { store in
            let lease = try await store.grantLease(ttl: .seconds(5))
            #expect(try await store.keepAlive(lease.id) != .notFound)
            let used = store.currentEndpoint
            let killed = try #require(await cluster.endpoints.firstIndex(of: used))
            try await withMemberKilled(cluster, killed) {
                // The cluster may hold an election if the leader was killed; renewals are
                // retried as an agent would until one is answered.
                let clock = ContinuousClock()
                let start = clock.now
                try await eventually("a renewal after the kill", timeout: .seconds(15), every: .milliseconds(100)) {
                    (try? await store.keepAlive(lease.id)).map { $0 != .notFound } ?? false
                }
                #expect(clock.now - start < .seconds(5))
                #expect(store.currentEndpoint != used)
                let before = store.keepAliveCounts
                #expect(before.gateway >= 1)
                try await eventually("renewals on a stream to the new member", timeout: .seconds(10), every: .milliseconds(100)) {
                    _ = try await store.keepAlive(lease.id)
                    return store.keepAliveCounts.stream > before.stream
                }
            }
            try await store.revokeLease(lease.id)
        }
    }

    @Test func operationsContinueWhenTheMemberInUseIsKilled() async throws {
        let cluster = try EtcdFixture.current()
        let prefix = "/t/\(UUID().uuidString)/"
        try await withEtcdStore(EtcdConfiguration(endpoints: await cluster.endpoints), logger: quietLogger) { store in
            let used = store.currentEndpoint
            let killed = try #require(await cluster.endpoints.firstIndex(of: used))
            let lease = try await store.grantLease(ttl: .seconds(2))
            try await store.put(prefix + "member", "n1", lease: lease.id)
            try await store.put(prefix + "counter", "0")

            let clock = ContinuousClock()
            let log = OperationLog()
            try await withThrowingTaskGroup(of: Void.self) { group in
                defer { group.cancelAll() }
                // A client in use: reads, guarded read-modify-write, lease renewals.
                group.addTask {
                    var step = 0
                    while !Task.isCancelled {
                        step += 1
                        let ok: Bool
                        do {
                            let current = try await store.get(prefix + "counter")
                            let next = Int(current?.stringValue ?? "0").map { $0 + 1 } ?? 0
                            _ = try await store.txn(
                                Txn(compares: [.unchanged(prefix + "counter", since: current?.modRevision ?? 0)],
                                    success: [.put(prefix + "counter", String(next))]))
                            if step % 5 == 0 { _ = try await store.keepAlive(lease.id) }
                            ok = true
                        } catch {
                            ok = false
                        }
                        await log.record(ok, at: clock.now)
                        try await Task.sleep(for: .milliseconds(40))
                    }
                }
                try await eventually("operations before the kill") { await log.successes > 10 }
                try await withMemberKilled(cluster, killed) {
                    let killedAt = clock.now
                    // Operations carry on through another endpoint.
                    try await eventually("20 successes after the kill", timeout: .seconds(30)) {
                        await log.successes(after: killedAt) >= 20
                    }
                    let settled = clock.now
                    try await eventually("15 more operations", timeout: .seconds(30)) { await log.total(after: settled) >= 15 }
                    #expect(await log.failures(after: settled) == 0)
                    #expect(store.currentEndpoint != used)
                    #expect(try await store.get(prefix + "member")?.lease == lease.id)
                }
            }
        }
    }

    @Test func rotatesPastAnEndpointThatRefusesConnections() async throws {
        let cluster = try EtcdFixture.current()
        let closed = try FreePorts.take(1)[0]
        let endpoints = ["http://127.0.0.1:\(closed)"] + (await cluster.endpoints)
        try await withEtcdStore(EtcdConfiguration(endpoints: endpoints), logger: quietLogger) { store in
            // A write is retried because the refused connection proves it was not sent.
            let revision = try await store.put("/t/\(UUID().uuidString)", "v")
            #expect(revision > 0)
            #expect(store.currentEndpoint == endpoints[1])
        }
    }

    @Test func perRequestDeadlineAgainstAnEndpointThatNeverAnswers() async throws {
        let cluster = try EtcdFixture.current()
        let silent = try SilentListener()
        defer { silent.close() }
        let clock = ContinuousClock()
        let timeout = Duration.milliseconds(500)

        // Alone: reads and writes fail with `timeout` after about one deadline.
        try await withEtcdStore(EtcdConfiguration(endpoints: [silent.url], requestTimeout: timeout), logger: quietLogger) { store in
            for write in [false, true] {
                let started = clock.now
                do {
                    if write { try await store.put("/t/deadline", "v") } else { _ = try await store.get("/t/deadline") }
                    Issue.record("a silent endpoint answered")
                } catch let error as VigilStoreError {
                    #expect(error.code == .timeout)
                }
                let elapsed = clock.now - started
                #expect(elapsed >= timeout * 0.8)
                #expect(elapsed < .seconds(10))  // generous: the machine may be loaded
            }
        }

        // First in the list: a read waits one deadline, then rotates to a live member.
        let endpoints = [silent.url] + (await cluster.endpoints)
        try await withEtcdStore(EtcdConfiguration(endpoints: endpoints, requestTimeout: timeout), logger: quietLogger) { store in
            let started = clock.now
            _ = try await store.get("/t/deadline")
            let elapsed = clock.now - started
            #expect(elapsed >= timeout * 0.8)
            #expect(elapsed < .seconds(10))
            #expect(store.currentEndpoint == endpoints[1])
        }
    }

    @Test func latencyOnThreeMembers() async throws {
        let cluster = try EtcdFixture.current()
        try await withEtcdStore(EtcdConfiguration(endpoints: await cluster.endpoints), logger: quietLogger) { store in
            let figures = try await measureLatency(store, members: 3)
            #expect(figures.putP50 < .milliseconds(100))
        }
    }

    /// A burst far larger than the connection pool (an agent reporting many resources at
    /// once, on a busy machine) waits for connections instead of failing, and a lease is
    /// renewed during it on its own connections: before the request lanes, requests that
    /// waited for a pooled connection longer than the connect timeout failed, were taken for
    /// a dead endpoint, and the keep-alive queued behind them (the agent self-fenced).
    @Test func aBurstOfWritesNeitherFailsNorDelaysTheLeaseKeepAlive() async throws {
        let cluster = try EtcdFixture.current()
        let prefix = "/t/\(UUID().uuidString)/"
        try await withEtcdStore(EtcdConfiguration(endpoints: await cluster.endpoints), logger: quietLogger) { store in
            let lease = try await store.grantLease(ttl: .seconds(5))
            let endpoint = store.currentEndpoint
            let clock = ContinuousClock()
            let (failures, renewals) = try await withThrowingTaskGroup(of: (failed: Int, renewal: Duration?).self) { group in
                for index in 0..<1500 {
                    group.addTask {
                        do {
                            _ = try await store.create(prefix + "k\(index)", Array("v".utf8))
                            return (0, nil)
                        } catch {
                            return (1, nil)
                        }
                    }
                }
                for _ in 0..<5 {
                    group.addTask {
                        let start = clock.now
                        _ = try await store.keepAlive(lease.id)
                        return (0, clock.now - start)
                    }
                }
                var failed = 0
                var renewals: [Duration] = []
                for try await result in group {
                    failed += result.failed
                    if let renewal = result.renewal { renewals.append(renewal) }
                }
                return (failed, renewals)
            }
            #expect(failures == 0)
            #expect(try await store.range(prefix: prefix).kvs.count == 1500)
            #expect(store.currentEndpoint == endpoint, "a busy pool is not a dead endpoint")
            // Renewed on the lease lane, not behind 1,500 writes: well inside the TTL.
            #expect(renewals.count == 5)
            #expect(renewals.allSatisfy { $0 < .seconds(2) }, "keep-alives took \(renewals)")
            try await store.revokeLease(lease.id)
        }
    }
}
