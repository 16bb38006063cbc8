import Foundation
import VigilStore

extension ClusterClient {
    /// The rule for names that are one key segment (a leadership, a resource or node of
    /// a health report, a holder): 1–253 letters, digits, `.`, `_`, `-`, `:`, `@`.
    public static func validateSegment(_ name: String, what: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", ":", "@": true
            default: false
            }
        }
        guard allowed, !name.isEmpty, name.utf8.count <= 253, name != ".", name != ".." else {
            throw VigilClusterError(.invalidArgument, "\(what) must be 1 to 253 letters, digits, '.', '_', '-', ':' or '@', not \"\(name)\"")
        }
    }

    /// Takes the leadership `name` for `holder` on a new lease of `ttl` seconds, if nobody
    /// holds it (one attempt; the HTTP API's `acquire`).
    ///
    /// - Throws: ``VigilClusterError`` `conflict` (message names the holder) when another
    ///   lease holds it; `invalidArgument`; `VigilStoreError`.
    public func acquireLeadership(_ name: String, holder: String, ttl: Int) async throws -> LeadershipGrant {
        try Self.validateSegment(name, what: "the leadership name")
        try Self.validateSegment(holder, what: "the holder")
        guard (1...3600).contains(ttl) else { throw VigilClusterError(.invalidArgument, "ttl must be 1 to 3600 seconds, not \(ttl)") }
        let key = keyspace.leader(name)
        let lease = try await store.grantLease(ttl: .seconds(ttl))
        let answer: TxnResult
        do {
            answer = try await store.txn(
                Txn(compares: [.absent(key)], success: [.put(key: key, value: Array(holder.utf8), lease: lease.id), .get(.key(key))], failure: [.get(.key(key))]))
        } catch {
            try? await store.revokeLease(lease.id)
            throw error
        }
        let current: KeyValue? =
            switch answer.succeeded ? answer.results.last : answer.results.first {
            case .get(let kvs)?: kvs.first
            default: nil
            }
        guard answer.succeeded, let current else {
            try? await store.revokeLease(lease.id)
            throw VigilClusterError(
                .conflict, "\(name) is held by \(current?.stringValue ?? "another holder") (token \(current?.createRevision ?? 0))")
        }
        return LeadershipGrant(holder: holder, token: current.createRevision, lease: lease.id, ttl: lease.ttl.components.seconds > 0 ? Int(lease.ttl.components.seconds) : ttl)
    }

    /// Renews the leadership `name` held on `lease`; returns the TTL granted.
    ///
    /// - Throws: ``VigilClusterError`` `notFound` when the lease no longer holds it (it
    ///   expired, was released, or another holder took over): stop acting as leader.
    public func renewLeadership(_ name: String, lease: Int64) async throws -> Int {
        try Self.validateSegment(name, what: "the leadership name")
        guard let current = try await store.get(keyspace.leader(name)), current.lease == lease else {
            throw VigilClusterError(.notFound, "lease \(lease) does not hold \(name)")
        }
        switch try await store.keepAlive(lease) {
        case .alive(let ttl): return Int(ttl.components.seconds)
        case .notFound: throw VigilClusterError(.notFound, "lease \(lease) expired: \(name) is lost")
        }
    }

    /// Releases the leadership `name` held on `lease` (deletes the key and revokes the
    /// lease); a lease that no longer holds it is revoked all the same.
    public func releaseLeadership(_ name: String, lease: Int64) async throws {
        try Self.validateSegment(name, what: "the leadership name")
        let key = keyspace.leader(name)
        _ = try await store.txn(Txn(compares: [Compare(key: key, .equal, .lease(lease))], success: [.delete(.key(key))]))
        do {
            try await store.revokeLease(lease)
        } catch let error as VigilStoreError where error.code == .leaseNotFound {
            return
        }
    }

    /// Who holds the leadership `name`: the holder and the token; nil when nobody does.
    public func leadership(_ name: String) async throws -> (holder: String, token: Int64)? {
        try Self.validateSegment(name, what: "the leadership name")
        guard let kv = try await store.get(keyspace.leader(name)) else { return nil }
        return (kv.stringValue, kv.createRevision)
    }

    /// Publishes a service's health of `resource` on `node` for `ttl` seconds (a lease of
    /// its own; the report it replaces has its lease revoked after the put).
    public func reportHealth(_ record: HealthReportRecord, resource: String, node: String) async throws {
        try Self.validateSegment(resource, what: "the resource name")
        try Self.validateSegment(node, what: "the node name")
        guard (1...3600).contains(record.ttl) else { throw VigilClusterError(.invalidArgument, "ttl must be 1 to 3600 seconds, not \(record.ttl)") }
        let key = keyspace.report(resource, on: node)
        let previous = try await store.get(key)?.lease
        let lease = try await store.grantLease(ttl: .seconds(record.ttl))
        do {
            _ = try await store.txn(Txn(success: [.put(key: key, value: try JSONCoding.encode(record), lease: lease.id)]))
        } catch {
            try? await store.revokeLease(lease.id)
            throw error
        }
        if let previous, previous != 0 { try? await store.revokeLease(previous) }
    }

    /// Withdraws the health report on `resource` of `node`.
    public func withdrawHealth(resource: String, node: String) async throws {
        try Self.validateSegment(resource, what: "the resource name")
        try Self.validateSegment(node, what: "the node name")
        let key = keyspace.report(resource, on: node)
        let previous = try await store.get(key)?.lease
        _ = try await store.txn(Txn(success: [.delete(.key(key))]))
        if let previous, previous != 0 { try? await store.revokeLease(previous) }
    }
}
