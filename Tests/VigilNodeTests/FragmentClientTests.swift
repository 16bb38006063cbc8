import Foundation
import Testing
import VigilCluster
import VigilModel
import VigilStore

/// Config fragments through the cluster client: several owners, concurrent applies, a
/// removal others depend on, a broken fragment — each either lands whole or not at all.
@Suite("Config fragments through the client (MemoryStore)")
struct FragmentClientTests {
    let keyspace = Keyspace(cluster: "frag")
    let now = "2026-12-07T08:00:00Z"
    static let base = "cluster: {name: frag}\nnodes:\n  - {name: n1, address: 198.18.0.1}\n  - {name: n2, address: 198.18.0.2}\nresources:\n  - {name: db, agent: process, params: {command: [/bin/sleep, '1000']}}\n"
    static let keystone = "resources:\n  - {name: keystone-api, agent: process, params: {command: [/bin/sleep, '1000']}}\nconstraints:\n  - order: {first: db, then: keystone-api, kind: mandatory}\n"
    static let glance = "resources:\n  - {name: glance-api, agent: process, params: {command: [/bin/sleep, '1000']}}\n  - {name: glance-vip, agent: vip, params: {ip: 198.18.0.101, cidr: 24, interface: eth0}}\nconstraints:\n  - colocation: {resource: glance-vip, with: glance-api, score: INFINITY}\n"

    func client(_ store: any ClusterStore, _ who: String = "t") -> ClusterClient {
        ClusterClient(store: store, keyspace: keyspace, actor: who)
    }

    func configured() async throws -> MemoryStore {
        let store = try MemoryStore(clock: TestClock())
        _ = try await client(store).applyConfig(yaml: Self.base, file: "cluster.yaml", appliedBy: "op", now: now, dryRun: false)
        return store
    }

    @Test func twoOwnersApplyingAtOnceBothLand() async throws {
        for _ in 0..<20 {
            let store = try await configured()
            async let keystone = client(store, "keystone").applyFragment(owner: "keystone", yaml: Self.keystone, appliedBy: "keystone", now: now, dryRun: false)
            async let glance = client(store, "glance").applyFragment(owner: "glance", yaml: Self.glance, appliedBy: "glance", now: now, dryRun: false)
            _ = try await (keystone, glance)
            let config = try #require(try await client(store).view().config)
            #expect(Set(config.resources.map(\.name)) == ["db", "keystone-api", "glance-api", "glance-vip"])
            let ownership = try await client(store).fragments()
            #expect(ownership.namesByOwner == ["operator": ["db"], "keystone": ["keystone-api"], "glance": ["glance-api", "glance-vip"]])
        }
    }

    @Test func theOperatorReapplyingKeepsTheOtherFragments() async throws {
        let store = try await configured()
        _ = try await client(store).applyFragment(owner: "keystone", yaml: Self.keystone, appliedBy: "k", now: now, dryRun: false)
        let changed = Self.base.replacingOccurrences(of: "'1000'", with: "'2000'")
        _ = try await client(store).applyConfig(yaml: changed, file: "cluster.yaml", appliedBy: "op", now: now, dryRun: false)
        let config = try #require(try await client(store).view().config)
        #expect(config.resources.map(\.name) == ["db", "keystone-api"])
        #expect(try await client(store).fragments().fragments["operator"]?.yaml == changed)
    }

    @Test func removingWhatAnotherFragmentNeedsFailsAndWritesNothing() async throws {
        let store = try await configured()
        _ = try await client(store).applyFragment(owner: "dbowner", yaml: "resources:\n  - {name: db2, agent: process, params: {command: [/bin/true]}}\n", appliedBy: "d", now: now, dryRun: false)
        let dependent = "resources:\n  - {name: api, agent: process, params: {command: [/bin/true]}}\nconstraints:\n  - order: {first: db2, then: api}\n"
        _ = try await client(store).applyFragment(owner: "api", yaml: dependent, appliedBy: "a", now: now, dryRun: false)
        let before = try await store.range(prefix: keyspace.prefix)
        let error = try await #require(throws: VigilModelError.self) {
            _ = try await client(store).applyFragment(owner: "dbowner", yaml: nil, appliedBy: "d", now: now, dryRun: false)
        }
        #expect(error.diagnostics.contains { $0.file == "fragment api" && $0.line == 4 && $0.message.contains("db2") }, "\(error)")
        let after = try await store.range(prefix: keyspace.prefix)
        #expect(after.revision == before.revision, "nothing was written")
        await #expect(throws: VigilClusterError.self) {
            _ = try await client(store).applyFragment(owner: "operator", yaml: nil, appliedBy: "d", now: now, dryRun: false)
        }
        // Removed in the right order, both go.
        _ = try await client(store).applyFragment(owner: "api", yaml: nil, appliedBy: "a", now: now, dryRun: false)
        _ = try await client(store).applyFragment(owner: "dbowner", yaml: nil, appliedBy: "d", now: now, dryRun: false)
        #expect(try await client(store).view().config?.resources.map(\.name) == ["db"])
        #expect(try await store.range(prefix: keyspace.fragments).kvs.map(\.key) == [keyspace.fragment("operator")])
    }

    @Test func aBrokenFragmentIsNamedAndNothingIsWritten() async throws {
        let store = try await configured()
        let before = try await store.range(prefix: keyspace.prefix)
        let error = try await #require(throws: VigilModelError.self) {
            _ = try await client(store).applyFragment(owner: "nova", yaml: "resources:\n  - {name: nova-api, agent: process\n", file: "nova.yaml", appliedBy: "n", now: now, dryRun: false)
        }
        #expect(error.code == .syntax)
        #expect(error.diagnostics.first?.file == "nova.yaml", "\(error)")
        #expect(try await store.range(prefix: keyspace.prefix).revision == before.revision)
    }

    @Test func aConfigurationAppliedBeforeFragmentsBecomesTheOperatorsFragment() async throws {
        let store = try MemoryStore(clock: TestClock())
        // As an older vigil wrote it: `config` only.
        let record = ConfigRecord(yaml: Self.base, hash: ClusterClient.hash(Self.base), appliedBy: "old", appliedAt: now)
        _ = try await store.txn(Txn(success: [.put(key: keyspace.config, value: Array(try JSONEncoder().encode(record)), lease: nil)]))
        _ = try await client(store).applyFragment(owner: "keystone", yaml: Self.keystone, appliedBy: "k", now: now, dryRun: false)
        #expect(try await client(store).fragments().fragments["operator"]?.yaml == Self.base)
        #expect(try await client(store).view().config?.resources.map(\.name) == ["db", "keystone-api"])
    }
}
