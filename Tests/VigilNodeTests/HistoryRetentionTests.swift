import Testing
import VigilStore
@testable import VigilNode
@testable import VigilCluster

/// What the coordinator deletes and compacts (pure).
@Suite struct HistoryRetentionTests {
    @Test func compactsToTheNewestRevisionAtLeastTheRetentionOld() {
        var history = HistoryRetention()
        history.sample(revision: 10, now: .seconds(0))
        history.sample(revision: 10, now: .seconds(1))  // unchanged: not a new sample
        history.sample(revision: 20, now: .seconds(2))
        history.sample(revision: 30, now: .seconds(4))
        #expect(history.samples.count == 3)
        #expect(history.compaction(now: .milliseconds(4999), retention: .seconds(5)) == nil)
        #expect(history.compaction(now: .seconds(5), retention: .seconds(5)) == 10)
        // Nothing new until a later sample is old enough.
        #expect(history.compaction(now: .seconds(6), retention: .seconds(5)) == nil)
        #expect(history.compaction(now: .seconds(7), retention: .seconds(5)) == 20)
        #expect(history.compaction(now: .seconds(100), retention: .seconds(5)) == 30)
        #expect(history.compaction(now: .seconds(200), retention: .seconds(5)) == nil)
        #expect(history.compacted == 30)
    }

    @Test func theAgeCutoffIsTheEventKeyOfThatTime() {
        let key = HistoryRetention.ageCutoffKey(events: "/vigil/c/events/", nowMilliseconds: 10_000, maxAge: .seconds(4))
        #expect(key == "/vigil/c/events/00000000000006000000")
        // Keys of older events sort before it, newer ones after.
        #expect(Keyspace(cluster: "c").event(5_999_999, node: "n1") < key)
        #expect(Keyspace(cluster: "c").event(6_000_000, node: "n1") > key)
        // Never before the epoch.
        #expect(HistoryRetention.ageCutoffKey(events: "e/", nowMilliseconds: 1, maxAge: .seconds(60)) == "e/" + String(repeating: "0", count: 20))
    }

    @Test func theCountCutoffKeepsTheNewest() {
        let newestFirst = ["e/5", "e/4", "e/3", "e/2"]
        // keep 2: delete e/3 and older.
        let end = HistoryRetention.countCutoffEnd(newestFirst: newestFirst, keep: 2)
        #expect(end == "e/3\u{0}")
        let range = KeyRange.between("e/", end ?? "")
        #expect(["e/1", "e/2", "e/3"].allSatisfy(range.contains))
        #expect(!range.contains("e/4") && !range.contains("e/5"))
        #expect(HistoryRetention.countCutoffEnd(newestFirst: ["e/2", "e/1"], keep: 2) == nil)
    }

    @Test func aMemoryStoreDeletesBetweenKeys() async throws {
        let store = try MemoryStore()
        for key in ["a", "b", "c", "d"] { try await store.put("k/" + key, "v") }
        try await store.delete(.between("k/b", "k/d"))
        #expect(try await store.range(.prefix("k/")).kvs.map(\.key) == ["k/a", "k/d"])
        #expect(try await store.keysFromLast(10, of: .prefix("k/")) == ["k/d", "k/a"])
        #expect(try await store.count(.prefix("k/")) == 2)
        #expect(try await store.last(1, of: .prefix("k/")).map(\.key) == ["k/d"])
        let snapshot = try await store.snapshot(.prefix("k/"), excluding: .prefix("k/d"))
        #expect(snapshot.kvs.map(\.key) == ["k/a"])
    }
}
