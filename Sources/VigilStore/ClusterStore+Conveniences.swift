extension ClusterStore {
    /// The full watch (previous values included): for stores where they cost nothing.
    public func watch(prefix: String, fromRevision: Int64, previousValues: Bool) -> WatchStream {
        watch(prefix: prefix, fromRevision: fromRevision)
    }

    /// Reads `range` whole and leaves `excluding` out (stores that are not size-limited).
    public func snapshot(_ range: KeyRange, excluding: KeyRange?) async throws -> RangeResult {
        var result = try await self.range(range)
        if let excluding { result.kvs.removeAll { excluding.contains($0.key) } }
        return result
    }

    /// The last `limit` keys of `range` with their values, oldest first (a whole read).
    public func last(_ limit: Int, of range: KeyRange) async throws -> [KeyValue] {
        Array(try await self.range(range).kvs.sorted { $0.key < $1.key }.suffix(max(0, limit)))
    }

    /// How many keys `range` holds (a whole read).
    public func count(_ range: KeyRange) async throws -> Int {
        try await self.range(range).kvs.count
    }

    /// The keys of `range` from the last backwards, at most `limit` (a whole read).
    public func keysFromLast(_ limit: Int, of range: KeyRange) async throws -> [String] {
        Array(try await self.range(range).kvs.map(\.key).sorted(by: >).prefix(max(0, limit)))
    }

    /// Reads one key; nil when it does not exist.
    public func get(_ key: String) async throws -> KeyValue? {
        try await range(.key(key)).kvs.first
    }

    /// Reads every key starting with `prefix`.
    public func range(prefix: String) async throws -> RangeResult {
        try await range(.prefix(prefix))
    }

    /// Unconditionally puts a value and returns the write's revision.
    ///
    /// Not guarded: use ``txn(_:)`` with compares for writes that must be idempotent.
    @discardableResult
    public func put(_ key: String, _ value: [UInt8], lease: Int64? = nil) async throws -> Int64 {
        try await txn(Txn(success: [.put(key: key, value: value, lease: lease)])).revision
    }

    /// Unconditionally puts a UTF-8 string value and returns the write's revision.
    @discardableResult
    public func put(_ key: String, _ value: String, lease: Int64? = nil) async throws -> Int64 {
        try await put(key, Array(value.utf8), lease: lease)
    }

    /// Deletes the keys in `range`; returns how many were deleted.
    @discardableResult
    public func delete(_ range: KeyRange) async throws -> Int64 {
        let result = try await txn(Txn(success: [.delete(range)]))
        if case .delete(let deleted) = result.results.first { return deleted }
        return 0
    }

    /// Creates `key` only if it does not exist; returns the result (succeeded == false when
    /// the key already existed; the failure branch reads the existing key).
    @discardableResult
    public func create(_ key: String, _ value: [UInt8], lease: Int64? = nil) async throws -> TxnResult {
        try await txn(
            Txn(
                compares: [.absent(key)],
                success: [.put(key: key, value: value, lease: lease)],
                failure: [.get(.key(key))]
            )
        )
    }
}
