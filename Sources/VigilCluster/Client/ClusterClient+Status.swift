import Foundation
import VigilStore

extension ClusterClient {
    /// The cluster's status now, from one read.
    public func status() async throws -> ClusterStatus {
        ClusterStatus(view: try await view())
    }

    /// Calls `body` with the status now and again after every change of the keyspace that
    /// changes it, until the task is cancelled or `body` returns false. Watches from the
    /// read's revision + 1 and starts over with a read after a compaction.
    public func watchStatus(_ body: (ClusterStatus) async throws -> Bool) async throws {
        var last: ClusterStatus?
        try await watchViews { view in
            let status = ClusterStatus(view: view)
            if status == last { return false }
            last = status
            let more = try await body(status)
            return !more
        }
    }

    /// The most recent events, oldest first (at most `limit`; nil: all).
    public func events(limit: Int?) async throws -> [EventRecord] {
        let kvs =
            if let limit {
                try await store.last(limit, of: .prefix(keyspace.events))
            } else {
                try await store.snapshot(.prefix(keyspace.events), excluding: nil).kvs
            }
        var records: [EventRecord] = []
        for kv in kvs.sorted(by: { $0.key < $1.key }) {
            if let record = try? JSONDecoder().decode(EventRecord.self, from: Data(kv.value)) { records.append(record) }
        }
        return records
    }
}
