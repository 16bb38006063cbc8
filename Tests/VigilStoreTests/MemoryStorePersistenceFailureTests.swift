import Foundation
import Logging
import Testing
import VigilStore

/// A write the persistent MemoryStore cannot make durable is not applied: the caller gets
/// a `persistence` error, the store (keys, leases, revision, watchers) stays as it was,
/// and the file on disk still holds the last good state.
@Suite struct MemoryStorePersistenceFailureTests {
    @Test func aWriteThatCannotBePersistedIsNotApplied() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-memstore-fail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        let saved = root.appendingPathComponent("saved")
        let clock = TestClock()
        // Quiet: the failures below are the point, not news.
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let store = try MemoryStore(clock: clock, directory: state.path, logger: quiet)
        try await store.put("/k/a", "1")
        let lease = try await store.grantLease(ttl: .seconds(5))
        try await store.put("/k/leased", "x", lease: lease.id)
        let revision = await store.currentRevision

        // The state directory becomes a plain file: no snapshot can be written there.
        try FileManager.default.moveItem(at: state, to: saved)
        try Data().write(to: state)
        let code = { (error: any Error) in (error as? VigilStoreError)?.code }
        await #expect { try await store.put("/k/a", "2") } throws: { code($0) == .persistence }
        await #expect { try await store.put("/k/b", "1", lease: lease.id) } throws: { code($0) == .persistence }
        await #expect { try await store.grantLease(ttl: .seconds(1)) } throws: { code($0) == .persistence }
        await #expect { try await store.revokeLease(lease.id) } throws: { code($0) == .persistence }
        #expect(await store.currentRevision == revision)
        #expect(try await store.get("/k/a")?.value == Array("1".utf8))
        #expect(try await store.get("/k/b") == nil)
        #expect(try await store.get("/k/leased") != nil)
        #expect(try await store.timeToLive(lease.id)?.keys == ["/k/leased"])

        // Writable again: the next write takes the next revision, and is what a watcher sees.
        try FileManager.default.removeItem(at: state)
        try FileManager.default.moveItem(at: saved, to: state)
        let next = try await store.put("/k/a", "3")
        #expect(next == revision + 1)
        let reopened = try MemoryStore(clock: clock, directory: state.path)
        #expect(try await reopened.get("/k/a")?.value == Array("3".utf8))
        #expect(try await reopened.get("/k/leased") != nil)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: state.path)
        #expect(leftovers == ["store.json"], "temporary files left: \(leftovers)")
    }
}
