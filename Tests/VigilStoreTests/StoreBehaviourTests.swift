import Testing
import VigilStore

/// The same behaviour, checked on ``MemoryStore`` (test clock) and on ``EtcdStore``
/// (a real single-member etcd started once for the suite).
@Suite(.etcd(members: 1), .serialized)
struct StoreBehaviourTests {
    @Test(arguments: Backend.allCases)
    func putGetAndRangeByPrefix(_ backend: Backend) async throws {
        try await withStore(backend) { sut in
            let store = sut.store
            let r1 = try await store.put(sut.key("a/1"), "one")
            let r2 = try await store.put(sut.key("a/2"), "two")
            try await store.put(sut.key("b/1"), "other")
            try await store.put(sut.key("a/1"), "uno")
            #expect(r2 == r1 + 1)

            let one = try #require(try await store.get(sut.key("a/1")))
            #expect(one.stringValue == "uno")
            #expect(one.createRevision == r1)
            #expect(one.modRevision == r2 + 2)
            #expect(one.version == 2)
            #expect(one.lease == 0)
            #expect(try await store.get(sut.key("missing")) == nil)

            let range = try await store.range(prefix: sut.key("a/"))
            #expect(range.kvs.map(\.key) == [sut.key("a/1"), sut.key("a/2")])
            #expect(range.kvs.map(\.stringValue) == ["uno", "two"])
            #expect(range.revision >= r2 + 2)
            #expect(try await store.range(prefix: sut.key("zzz/")).kvs.isEmpty)

            #expect(try await store.delete(.prefix(sut.key("a/"))) == 2)
            #expect(try await store.range(prefix: sut.prefix).kvs.map(\.key) == [sut.key("b/1")])
            #expect(try await store.delete(.key(sut.key("a/1"))) == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func txnComparesOnCreateAndModRevision(_ backend: Backend) async throws {
        try await withStore(backend) { sut in
            let store = sut.store
            let key = sut.key("coordinator")
            let created = try await store.create(key, Array("n1".utf8))
            #expect(created.succeeded)
            #expect(created.results == [.put])
            let term = created.revision

            let second = try await store.create(key, Array("n2".utf8))
            #expect(!second.succeeded)
            guard case .get(let existing) = try #require(second.results.first) else {
                Issue.record("expected a get result")
                return
            }
            #expect(existing.map(\.stringValue) == ["n1"])
            #expect(existing.first?.createRevision == term)

            // A write fenced by the coordinator's term succeeds only while the term holds.
            let assignment = sut.key("assignments/web")
            let fenced = Txn(compares: [.created(key, at: term)], success: [.put(assignment, "n1")])
            #expect(try await store.txn(fenced).succeeded)
            try await store.delete(.key(key))
            try await store.create(key, Array("n2".utf8))
            let stale = try await store.txn(fenced)
            #expect(!stale.succeeded)
            #expect(stale.results.isEmpty)

            // Optimistic update on mod revision: the second writer with the same read loses.
            let read = try #require(try await store.get(assignment))
            let update = { (value: String) in
                Txn(compares: [.unchanged(assignment, since: read.modRevision)], success: [.put(assignment, value)], failure: [.get(.key(assignment))])
            }
            let first = try await store.txn(update("n2"))
            let lost = try await store.txn(update("n3"))
            #expect(first.succeeded)
            #expect(!lost.succeeded)
            #expect(lost.revision == first.revision)
            #expect(try await store.get(assignment)?.stringValue == "n2")

            // Value, version and greater/less compares.
            #expect(try await store.txn(Txn(compares: [Compare(key: assignment, .equal, .value(Array("n2".utf8)))])).succeeded)
            #expect(try await store.txn(Txn(compares: [Compare(key: assignment, .greater, .version(1))])).succeeded)
            #expect(!(try await store.txn(Txn(compares: [Compare(key: assignment, .less, .modRevision(read.modRevision))])).succeeded))
            #expect(!(try await store.txn(Txn(compares: [Compare(key: sut.key("none"), .notEqual, .value([]))])).succeeded))

            // Several writes in one txn share one revision.
            let multi = try await store.txn(
                Txn(success: [.put(sut.key("m/1"), "a"), .put(sut.key("m/2"), "b"), .get(.prefix(sut.key("m/")))]))
            #expect(multi.succeeded)
            guard case .get(let both) = multi.results[2] else {
                Issue.record("expected a get result")
                return
            }
            #expect(both.map(\.modRevision) == [multi.revision, multi.revision])
        }
    }

    @Test(arguments: Backend.allCases)
    func leaseExpiryRemovesLeasedKeys(_ backend: Backend) async throws {
        try await withStore(backend) { sut in
            let store = sut.store
            let lease = try await store.grantLease(ttl: .seconds(1))
            #expect(lease.ttl >= .seconds(1))
            try await store.put(sut.key("members/n1"), "alive", lease: lease.id)
            try await store.put(sut.key("kept"), "no lease")
            #expect(try await store.get(sut.key("members/n1"))?.lease == lease.id)
            let info = try #require(try await store.timeToLive(lease.id))
            #expect(info.keys == [sut.key("members/n1")])
            #expect(info.granted == lease.ttl)

            sut.expire(lease.ttl)
            try await eventually("the leased key to vanish", timeout: sut.expiryTimeout(lease.ttl)) {
                try await store.get(sut.key("members/n1")) == nil
            }
            #expect(try await store.keepAlive(lease.id) == .notFound)
            #expect(try await store.timeToLive(lease.id) == nil)
            #expect(try await store.get(sut.key("kept")) != nil)
            await #expect(throws: VigilStoreError.self) {
                try await store.put(sut.key("late"), "x", lease: lease.id)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func keepAliveKeepsKeyPastItsTTL(_ backend: Backend) async throws {
        try await withStore(backend) { sut in
            let store = sut.store
            // 2 s leaves room for a loaded machine between renewals.
            let lease = try await store.grantLease(ttl: .seconds(2))
            try await store.put(sut.key("members/n1"), "alive", lease: lease.id)
            let step = lease.ttl / 3
            for _ in 0..<7 {  // 7 × ttl/3 > 2 × ttl
                try await sut.pass(step)
                #expect(try await store.keepAlive(lease.id) == .alive(ttl: lease.ttl))
            }
            #expect(try await store.get(sut.key("members/n1")) != nil)
            sut.expire(lease.ttl)
            try await eventually("the leased key to vanish", timeout: sut.expiryTimeout(lease.ttl)) {
                try await store.get(sut.key("members/n1")) == nil
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func revokeDeletesKeysAndIsIdempotent(_ backend: Backend) async throws {
        try await withStore(backend) { sut in
            let store = sut.store
            let lease = try await store.grantLease(ttl: .seconds(30))
            try await store.put(sut.key("a"), "1", lease: lease.id)
            try await store.put(sut.key("b"), "2", lease: lease.id)
            try await store.revokeLease(lease.id)
            #expect(try await store.range(prefix: sut.prefix).kvs.isEmpty)
            #expect(try await store.keepAlive(lease.id) == .notFound)
            try await store.revokeLease(lease.id)
            do {
                try await store.put(sut.key("c"), "3", lease: lease.id)
                Issue.record("put with a revoked lease succeeded")
            } catch let error as VigilStoreError {
                #expect(error.code == .leaseNotFound)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func watchFromRevisionDeliversEveryChangeInOrder(_ backend: Backend) async throws {
        try await withStore(backend) { sut in
            let store = sut.store
            let start = try await store.range(prefix: sut.prefix).revision
            try await store.put(sut.key("x"), "1")
            try await store.put(sut.key("y"), "2")
            try await store.put("/elsewhere/\(sut.prefix)", "not watched")
            try await store.put(sut.key("x"), "3")
            try await store.delete(.key(sut.key("y")))
            let stream = store.watch(prefix: sut.prefix, fromRevision: start + 1)
            // Four changes happened before the watch started, four more happen during it.
            let later = Task {
                _ = try await store.txn(Txn(success: [.put(sut.key("z"), "4"), .put(sut.key("x"), "5")]))
                try await store.put(sut.key("y"), "6")
                try await store.delete(.prefix(sut.prefix))
            }
            let events = try await collectEvents(stream, count: 10)
            try await later.value
            let seen = events.map { "\($0.kind == .put ? "put" : "del") \($0.kv.key.dropFirst(sut.prefix.count)) \($0.kv.stringValue)" }
            #expect(seen == ["put x 1", "put y 2", "put x 3", "del y ", "put z 4", "put x 5", "put y 6", "del x ", "del y ", "del z "])
            let revisions = events.map(\.kv.modRevision)
            #expect(revisions == revisions.sorted())
            #expect(events[3].prevKV?.stringValue == "2")
            #expect(events[2].prevKV?.stringValue == "1")
        }
    }

    @Test(arguments: Backend.allCases)
    func compactedRevisionYieldsCompactedAndEnds(_ backend: Backend) async throws {
        try await withStore(backend) { sut in
            let store = sut.store
            let first = try await store.put(sut.key("k"), "1")
            try await store.put(sut.key("k"), "2")
            let third = try await store.put(sut.key("k"), "3")
            try await store.compact(third)
            try await store.compact(third)  // idempotent

            let update = try await withDeadline(.seconds(60), "the compacted watch") {
                var updates: [WatchUpdate] = []
                for try await update in store.watch(prefix: sut.prefix, fromRevision: first) { updates.append(update) }
                return updates
            }
            #expect(update == [.compacted(compactRevision: third)])

            // From the compaction revision on, history is still there.
            let events = try await collectEvents(store.watch(prefix: sut.prefix, fromRevision: third), count: 1)
            #expect(events.map(\.kv.stringValue) == ["3"])
        }
    }
}

extension StoreBehaviourTests {
    @Test func latencyOnOneMember() async throws {
        let cluster = try EtcdFixture.current()
        try await withEtcdStore(EtcdConfiguration(endpoints: await cluster.endpoints), logger: quietLogger) { store in
            let figures = try await measureLatency(store, members: 1)
            #expect(figures.putP50 < .milliseconds(100))
        }
    }
}
