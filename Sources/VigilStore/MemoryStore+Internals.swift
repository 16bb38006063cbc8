import Foundation

extension MemoryStore {
    static func wholeSeconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return attoseconds > 0 ? seconds + 1 : seconds
    }

    func matching(_ range: KeyRange) -> [KeyValue] {
        switch range {
        case .key(let key):
            return kvs[key].map { [$0] } ?? []
        case .prefix, .between:
            return kvs.values.filter { range.contains($0.key) }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        }
    }

    func setKey(_ kv: KeyValue, previous: KeyValue?) {
        if let previous, previous.lease != 0 { leases[previous.lease]?.keys.remove(kv.key) }
        if kv.lease != 0 { leases[kv.lease]?.keys.insert(kv.key) }
        kvs[kv.key] = kv
    }

    func removeKey(_ kv: KeyValue) {
        if kv.lease != 0 { leases[kv.lease]?.keys.remove(kv.key) }
        kvs[kv.key] = nil
    }

    /// Revokes every lease whose deadline has passed on the injected clock.
    func expireLeases() throws {
        let now = clock.now()
        let expired = leases.filter { $0.value.deadline <= now }.map(\.key).sorted()
        for lease in expired {
            logger.debug("lease expired", metadata: ["lease": "\(lease)"])
            try revoke(lease)
        }
    }

    /// Expires what it can for a read: a read still answers when an expiry cannot be
    /// persisted (the lease then expires at the next operation that can write).
    func expireLeasesIfPossible() {
        do {
            try expireLeases()
        } catch {
            logger.warning("lease expiry not persisted; retried", metadata: ["error": "\(error)"])
        }
    }

    func revoke(_ lease: Int64) throws {
        try atomically { try revokeNow(lease) }
    }

    private func revokeNow(_ lease: Int64) throws {
        guard let state = leases.removeValue(forKey: lease) else { return }
        let writeRevision = revision + 1
        var events: [WatchEvent] = []
        for key in state.keys.sorted() {
            guard let kv = kvs[key] else { continue }
            kvs[key] = nil
            events.append(WatchEvent(kind: .delete, kv: KeyValue(key: key, value: [], modRevision: writeRevision), prevKV: kv))
        }
        if events.isEmpty {
            try persist()
        } else {
            try commit(events, at: writeRevision)
        }
    }

    func commit(_ events: [WatchEvent], at writeRevision: Int64) throws {
        revision = writeRevision
        history.append(contentsOf: events.map { HistoryEntry(revision: writeRevision, event: $0) })
        if history.count > historyLimit {
            let floor = history[history.count - historyLimit].revision
            history.removeAll { $0.revision < floor }
            compactRevision = max(compactRevision, floor)
        }
        try persist()
        notifyWatchers()
    }

    /// Runs `body`, a change that ends by persisting the store; if it throws (the change
    /// could not be made durable), every in-memory change it made is undone, so that a
    /// write that failed was not applied. Watchers are woken only after a successful persist.
    func atomically<T>(_ body: () throws -> T) throws -> T {
        guard snapshotPath != nil else { return try body() }
        let saved = (revision, compactRevision, kvs, leases, nextLeaseID, history)
        do {
            return try body()
        } catch {
            (revision, compactRevision, kvs, leases, nextLeaseID, history) = saved
            throw error
        }
    }

    func notifyWatchers() {
        let woken = waiters
        waiters.removeAll()
        for waiter in woken { waiter.signal() }
    }

    /// One step of a watch: the events from `from` on, `.compacted`, or nothing yet (the
    /// waiter is then registered for the next change).
    func pollWatch(prefix: String, from: Int64, waiter: WatchWaiter) -> WatchPoll {
        try? expireLeases()
        let start = from == 0 ? revision + 1 : from
        if start < compactRevision {
            return WatchPoll(update: .compacted(compactRevision: compactRevision), nextRevision: start)
        }
        let range = KeyRange.prefix(prefix)
        let events = history.lazy.filter { $0.revision >= start && range.contains($0.event.kv.key) }.map(\.event)
        if events.isEmpty {
            waiters.append(waiter)
            return WatchPoll(update: nil, nextRevision: max(start, revision + 1))
        }
        return WatchPoll(update: .events(Array(events), revision: revision), nextRevision: revision + 1)
    }

    static func snapshotFile(in directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent("store.json").path
    }

    static func loadSnapshot(at path: String) throws -> MemoryStoreSnapshot? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= snapshotByteLimit else {
            throw VigilStoreError(
                .persistence, "store snapshot \(path) is \(size) bytes; at most \(snapshotByteLimit) (256 MiB) are read")
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(MemoryStoreSnapshot.self, from: data)
        } catch {
            throw VigilStoreError(.persistence, "cannot read store snapshot \(path)", cause: error)
        }
    }

    /// The largest snapshot read back (256 MiB): a bigger file is not one this store wrote
    /// for any cluster it can serve.
    static let snapshotByteLimit = 256 * 1024 * 1024

    /// Writes the snapshot durably when persistence is on (``DurableFile``).
    func persist() throws {
        guard let snapshotPath else { return }
        let snapshot = MemoryStoreSnapshot(
            revision: revision, nextLeaseID: nextLeaseID,
            kvs: kvs.values.sorted { $0.key < $1.key },
            leases: leases.map { .init(id: $0.key, ttlSeconds: $0.value.ttlSeconds) }.sorted { $0.id < $1.id })
        do {
            let url = URL(fileURLWithPath: snapshotPath)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try DurableFile.write(encoder.encode(snapshot), to: snapshotPath)
        } catch {
            logger.error("cannot persist store", metadata: ["path": "\(snapshotPath)", "error": "\(error)"])
            throw VigilStoreError(.persistence, "cannot write store snapshot \(snapshotPath)", cause: error)
        }
    }
}
