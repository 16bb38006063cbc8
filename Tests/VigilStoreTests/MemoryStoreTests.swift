import Foundation
import Testing
import VigilStore

/// MemoryStore specifics: persistence, the expiry loop, automatic compaction.
@Suite struct MemoryStoreTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-memstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func persistenceRoundTrip() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = TestClock()
        let before: RangeResult
        let lease: Lease
        do {
            let store = try MemoryStore(clock: clock, directory: directory.path)
            try await store.put("/vigil/c/config", "yaml")
            lease = try await store.grantLease(ttl: .seconds(5))
            try await store.put("/vigil/c/members/n1", "n1", lease: lease.id)
            try await store.put("/vigil/c/config", "yaml v2")
            try await store.put("/vigil/c/failcounts/web/n1", [0, 1, 0xff])
            before = try await store.range(prefix: "/vigil/")
        }
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("store.json").path))

        let reopened = try MemoryStore(clock: clock, directory: directory.path)
        let after = try await reopened.range(prefix: "/vigil/")
        #expect(after == before)
        #expect(try await reopened.get("/vigil/c/failcounts/web/n1")?.value == [0, 1, 0xff])
        let info = try #require(try await reopened.timeToLive(lease.id))
        #expect(info.keys == ["/vigil/c/members/n1"])
        #expect(info.granted == .seconds(5))

        // History is not persisted: an old watch is told to re-read.
        let update = try await firstUpdate(reopened.watch(prefix: "/vigil/", fromRevision: 1))
        #expect(update == .compacted(compactRevision: before.revision + 1))

        // Revisions and lease ids continue; the restored lease still expires.
        let next = try await reopened.put("/vigil/c/x", "y")
        #expect(next == before.revision + 1)
        let newLease = try await reopened.grantLease(ttl: .seconds(1))
        #expect(newLease.id != lease.id)
        clock.advance(by: .seconds(6))
        #expect(try await reopened.get("/vigil/c/members/n1") == nil)

        let third = try MemoryStore(clock: clock, directory: directory.path)
        #expect(try await third.get("/vigil/c/members/n1") == nil)
        #expect(try await third.get("/vigil/c/x")?.stringValue == "y")
    }

    @Test func unreadableSnapshotIsAPersistenceError() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("not json".utf8).write(to: directory.appendingPathComponent("store.json"))
        do {
            _ = try MemoryStore(directory: directory.path)
            Issue.record("a corrupt snapshot was accepted")
        } catch let error as VigilStoreError {
            #expect(error.code == .persistence)
        }
    }

    @Test func runExpiresLeasesAndWakesWatchersWithoutOtherCalls() async throws {
        let clock = TestClock()
        let store = try MemoryStore(clock: clock)
        let lease = try await store.grantLease(ttl: .seconds(2))
        let revision = try await store.put("/m/n1", "n1", lease: lease.id)
        let sink = EventSink()
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            group.addTask { await store.run() }
            group.addTask { await sink.consume(store.watch(prefix: "/m/", fromRevision: revision + 1)) }
            try await eventually("the expiry loop to sleep") { clock.sleeperCount == 1 }
            clock.advance(by: .seconds(1))
            try await eventually("the expiry loop to sleep again") { clock.sleeperCount == 1 }
            #expect(await sink.count == 0)
            clock.advance(by: .seconds(1))
            try await eventually("the expiry to reach the watcher") { await sink.count == 1 }
        }
        let event = try #require(await sink.events.first)
        #expect(event.kind == .delete)
        #expect(event.kv.key == "/m/n1")
        #expect(event.prevKV?.lease == lease.id)
    }

    @Test func historyBeyondTheLimitIsCompacted() async throws {
        let store = try MemoryStore(clock: TestClock(), historyLimit: 3)
        for index in 1...5 { try await store.put("/h/k", "\(index)") }
        let current = await store.currentRevision
        #expect(try await firstUpdate(store.watch(prefix: "/h/", fromRevision: 2)) == .compacted(compactRevision: current - 2))
        let events = try await collectEvents(store.watch(prefix: "/h/", fromRevision: current - 2), count: 3)
        #expect(events.map(\.kv.stringValue) == ["3", "4", "5"])
    }

    @Test func cancellingTheWatchingTaskEndsTheWatch() async throws {
        let store = try MemoryStore(clock: TestClock())
        let task = Task {
            var count = 0
            for try await _ in store.watch(prefix: "/c/", fromRevision: 0) { count += 1 }
            return count
        }
        task.cancel()
        #expect(try await withDeadline(.seconds(60), "the cancelled watch") { try await task.value } == 0)
    }

    @Test func compactingTheFutureIsRejected() async throws {
        let store = try MemoryStore(clock: TestClock())
        await #expect(throws: VigilStoreError.self) { try await store.compact(100) }
    }
}
