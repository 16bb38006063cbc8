extension EtcdStore {
    /// Reads the keys in `range` (linearizable read).
    public func range(_ range: KeyRange) async throws -> RangeResult {
        let response = try await call("/v3/kv/range", Self.rangeRequest(range), as: EtcdWire.RangeResponse.self, policy: .idempotent)
        return RangeResult(kvs: try (response.kvs ?? []).map(EtcdWire.keyValue), revision: response.header?.revision?.value ?? 0)
    }

    /// Runs a transaction; see ``ClusterStore/txn(_:)``. Retried on another endpoint only
    /// when it certainly was not applied (unless it has no writes).
    public func txn(_ txn: Txn) async throws -> TxnResult {
        let request = EtcdWire.TxnRequest(
            compare: txn.compares.map(Self.compare),
            success: txn.success.map(Self.requestOp),
            failure: txn.failure.map(Self.requestOp))
        let readOnly = (txn.success + txn.failure).allSatisfy { if case .get = $0 { true } else { false } }
        let response = try await call(
            "/v3/kv/txn", request, as: EtcdWire.TxnResponse.self, policy: readOnly ? .idempotent : .unlessMaybeApplied)
        let succeeded = response.succeeded ?? false
        let ops = succeeded ? txn.success : txn.failure
        let answers = response.responses ?? []
        guard answers.count == ops.count else {
            throw VigilStoreError(.invalidResponse, "etcd answered \(answers.count) results for \(ops.count) txn operations")
        }
        let results: [TxnOpResult] = try zip(ops, answers).map { op, answer in
            switch op {
            case .put: return .put
            case .delete: return .delete(deleted: answer.response_delete_range?.deleted?.value ?? 0)
            case .get: return .get(try (answer.response_range?.kvs ?? []).map(EtcdWire.keyValue))
            }
        }
        return TxnResult(succeeded: succeeded, revision: response.header?.revision?.value ?? 0, results: results)
    }

    /// Compacts history before `revision`; an already compacted revision is not an error.
    public func compact(_ revision: Int64) async throws {
        do {
            _ = try await call(
                "/v3/kv/compaction", EtcdWire.CompactionRequest(revision: .init(revision), physical: true),
                as: EtcdWire.Empty.self, policy: .idempotent)
        } catch let error as VigilStoreError where error.code == .compacted {
            return
        }
    }

    static func bounds(_ range: KeyRange) -> (key: String, rangeEnd: String?) {
        let bounds = range.etcdBounds
        return (EtcdWire.encode(bounds.key), bounds.rangeEnd.map { EtcdWire.encode($0) })
    }

    static func rangeRequest(_ range: KeyRange) -> EtcdWire.RangeRequest {
        let (key, rangeEnd) = bounds(range)
        return EtcdWire.RangeRequest(key: key, range_end: rangeEnd)
    }

    static func requestOp(_ op: TxnOp) -> EtcdWire.RequestOp {
        switch op {
        case .put(let key, let value, let lease):
            let put = EtcdWire.PutRequest(
                key: EtcdWire.encode(key), value: EtcdWire.encode(value), lease: lease.flatMap { $0 == 0 ? nil : .init($0) })
            return EtcdWire.RequestOp(request_put: put)
        case .delete(let range):
            let (key, rangeEnd) = bounds(range)
            return EtcdWire.RequestOp(request_delete_range: .init(key: key, range_end: rangeEnd))
        case .get(let range):
            return EtcdWire.RequestOp(request_range: rangeRequest(range))
        }
    }

    static func compare(_ compare: Compare) -> EtcdWire.Compare {
        let result: String
        switch compare.op {
        case .equal: result = "EQUAL"
        case .notEqual: result = "NOT_EQUAL"
        case .greater: result = "GREATER"
        case .less: result = "LESS"
        }
        var wire = EtcdWire.Compare(key: EtcdWire.encode(compare.key), target: "", result: result)
        switch compare.target {
        case .value(let value):
            wire.target = "VALUE"
            wire.value = EtcdWire.encode(value)
        case .createRevision(let revision):
            wire.target = "CREATE"
            wire.create_revision = .init(revision)
        case .modRevision(let revision):
            wire.target = "MOD"
            wire.mod_revision = .init(revision)
        case .version(let version):
            wire.target = "VERSION"
            wire.version = .init(version)
        case .lease(let lease):
            wire.target = "LEASE"
            wire.lease = .init(lease)
        }
        return wire
    }
}
