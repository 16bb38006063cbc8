import Foundation
import Logging
import VigilCluster
import VigilStore

/// A service's replica set (``Vigil/members(of:)``): join it for the length of a scope,
/// list who is in it, follow it.
///
/// A member's key is on a lease of its own, renewed like an agent's: a replica that dies
/// leaves the group when its lease expires; one that loses the store re-joins when it
/// answers again.
public struct ServiceGroup: Sendable {
    /// The group's name.
    public let name: String
    let vigil: Vigil

    /// Who is in the group now, by id.
    public func list() async throws -> [GroupMember] {
        let range = try await vigil.store.range(prefix: vigil.keyspace.group(name))
        return Self.members(range.kvs)
    }

    /// The members now and after every join or leave.
    public func updates() -> GroupUpdates {
        GroupUpdates(updates: KeyspaceUpdates(store: vigil.store, prefix: vigil.keyspace.group(name), excluding: nil))
    }

    /// Runs `body` as a member of the group: joins (waiting until the key is written),
    /// runs `body`, and leaves on every path (return, throw, cancellation).
    ///
    /// - Parameters:
    ///   - id: the member's name (default: the process's identity).
    ///   - info: what the member publishes.
    ///   - ttl: how long a dead member stays listed (at least 1 s).
    ///   - body: what to do as a member.
    /// - Throws: ``VigilKitError`` `invalidArgument` (a bad id or TTL), `conflict` (the id
    ///   is taken by a live member); whatever `body` throws.
    public func withMembership<Result: Sendable>(
        as id: String? = nil, info: [String: String] = [:], ttl: Duration = .seconds(5),
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let id = id ?? vigil.identity
        try KeyName.validate(id, what: "the member id")
        guard ttl >= .seconds(1) else { throw VigilKitError(.invalidArgument, "a member's ttl must be at least 1s") }
        let key = vigil.keyspace.groupMember(name, member: id)
        if let holder = try await vigil.store.get(key), holder.lease != 0 {
            throw VigilKitError(.conflict, "\(id) is already a member of \(name)")
        }
        let value = Array(try JSONEncoder().encode(GroupMember(id: id, node: vigil.node, info: info)))
        var logger = vigil.logger
        logger[metadataKey: "group"] = "\(name)"
        let session = Membership(
            store: vigil.store, key: key, name: id, value: value, policy: MembershipPolicy(ttl: ttl), clock: vigil.clock,
            logger: logger
        ) { _ in }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await session.run() }
            let outcome: Swift.Result<Result, any Error>
            do {
                while await session.lease == nil {
                    try await vigil.clock.sleep(for: .milliseconds(20))
                }
                outcome = .success(try await body())
            } catch {
                outcome = .failure(error)
            }
            await shielded { try? await session.leave() }
            group.cancelAll()
            return try outcome.get()
        }
    }

    static func members(_ kvs: [KeyValue]) -> [GroupMember] {
        kvs.compactMap { try? JSONDecoder().decode(GroupMember.self, from: Data($0.value)) }.sorted { $0.id < $1.id }
    }
}

/// A group's members now and after every change (``ServiceGroup/updates()``).
public struct GroupUpdates: AsyncSequence, Sendable {
    /// The element type.
    public typealias Element = [GroupMember]

    let updates: KeyspaceUpdates

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(cursor: updates.cursor())
    }

    /// Iterates the updates.
    public struct Iterator: AsyncIteratorProtocol {
        var cursor: KeyspaceUpdates.Cursor
        var members: [String: KeyValue] = [:]
        var last: [GroupMember]?

        /// The members after the next change.
        public mutating func next() async throws -> [GroupMember]? {
            while true {
                switch try await cursor.next() {
                case .read(let range):
                    members = Dictionary(range.kvs.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
                case .events(let events, _):
                    for event in events {
                        if event.kind == .delete { members[event.kv.key] = nil } else { members[event.kv.key] = event.kv }
                    }
                }
                let current = ServiceGroup.members(Array(members.values))
                if current != last {
                    last = current
                    return current
                }
            }
        }
    }
}

extension Vigil {
    /// The replica set `group` of a service.
    ///
    /// - Throws: ``VigilKitError`` `invalidArgument` for a name that cannot be a key segment.
    public func members(of group: String) throws -> ServiceGroup {
        try KeyName.validate(group, what: "the group name")
        return ServiceGroup(name: group, vigil: self)
    }
}
