extension EtcdStore {
    /// Keys per page of a ``snapshot(_:excluding:)`` read.
    static let snapshotPageKeys: Int64 = 500

    /// Reads `range` but `excluding` in pages of ``snapshotPageKeys`` keys, every page at
    /// the revision of the first, so that a keyspace of any size is read (a single range
    /// is capped by the response limit) and read consistently.
    public func snapshot(_ range: KeyRange, excluding: KeyRange?) async throws -> RangeResult {
        let (start, end) = Self.byteBounds(range)
        var segments: [([UInt8], [UInt8]?)] = [(start, end)]
        // A prefix inside the range is skipped: the range is read in two segments around it.
        if case .prefix(let skipped)? = excluding, range.contains(skipped), case .prefix = range {
            let (skipStart, skipEnd) = Self.byteBounds(.prefix(skipped))
            if let skipEnd { segments = [(start, skipStart), (skipEnd, end)] }
        }
        var kvs: [KeyValue] = []
        var revision: Int64?
        for (segmentStart, segmentEnd) in segments {
            var cursor = segmentStart
            while true {
                let request = EtcdWire.RangeRequest(
                    key: EtcdWire.encode(cursor), range_end: segmentEnd.map { EtcdWire.encode($0) },
                    limit: .init(Self.snapshotPageKeys), revision: revision.map { .init($0) })
                let response = try await call("/v3/kv/range", request, as: EtcdWire.RangeResponse.self, policy: .idempotent)
                if revision == nil { revision = response.header?.revision?.value }
                let page = try (response.kvs ?? []).map(EtcdWire.keyValue)
                kvs += page
                guard response.more == true, let last = page.last else { break }
                cursor = Array(last.key.utf8) + [0]
            }
        }
        if let excluding { kvs.removeAll { excluding.contains($0.key) } }
        return RangeResult(kvs: kvs, revision: revision ?? 0)
    }

    /// The last `limit` keys of `range` with their values, oldest first (one descending read).
    public func last(_ limit: Int, of range: KeyRange) async throws -> [KeyValue] {
        guard limit > 0 else { return [] }
        let (key, rangeEnd) = Self.bounds(range)
        let request = EtcdWire.RangeRequest(
            key: key, range_end: rangeEnd, limit: .init(Int64(limit)), sort_order: "DESCEND", sort_target: "KEY")
        let response = try await call("/v3/kv/range", request, as: EtcdWire.RangeResponse.self, policy: .idempotent)
        return try (response.kvs ?? []).map(EtcdWire.keyValue).reversed()
    }

    /// The keys of `range` from the last backwards, at most `limit` (keys only).
    public func keysFromLast(_ limit: Int, of range: KeyRange) async throws -> [String] {
        guard limit > 0 else { return [] }
        let (key, rangeEnd) = Self.bounds(range)
        let request = EtcdWire.RangeRequest(
            key: key, range_end: rangeEnd, limit: .init(Int64(limit)), sort_order: "DESCEND", sort_target: "KEY", keys_only: true)
        let response = try await call("/v3/kv/range", request, as: EtcdWire.RangeResponse.self, policy: .idempotent)
        return (response.kvs ?? []).map { String(decoding: (try? EtcdWire.decode($0.key)) ?? [], as: UTF8.self) }
    }

    /// How many keys `range` holds (etcd counts; nothing is read).
    public func count(_ range: KeyRange) async throws -> Int {
        let (key, rangeEnd) = Self.bounds(range)
        let request = EtcdWire.RangeRequest(key: key, range_end: rangeEnd, count_only: true)
        let response = try await call("/v3/kv/range", request, as: EtcdWire.RangeResponse.self, policy: .idempotent)
        return Int(response.count?.value ?? 0)
    }

    /// A range's start and end as bytes (nil end: the single key).
    static func byteBounds(_ range: KeyRange) -> (key: [UInt8], rangeEnd: [UInt8]?) {
        range.etcdBounds
    }
}
