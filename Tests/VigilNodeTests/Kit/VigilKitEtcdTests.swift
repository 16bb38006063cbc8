import Foundation
import Logging
import Testing
import VigilCluster
import VigilKit
import VigilModel
import VigilStore

/// VigilKit in one process against a real etcd: leadership handover and stale tokens,
/// service groups, status updates, and health reports served by a real agent.
@Suite("VigilKit on real etcd", .etcd(members: 1))
struct VigilKitEtcdTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func cluster() -> String { "kit-\(UInt32.random(in: 0...UInt32.max))" }

    @Test func aReleasedLeadershipPassesOnAndTheOldTokenIsRefused() async throws {
        let endpoints = try await EtcdFixture.current().endpoints
        let cluster = Self.cluster()
        try await withVigil(etcd: endpoints, cluster: cluster, node: "n1", identity: "a", logger: Self.quiet) { a in
            try await withVigil(etcd: endpoints, cluster: cluster, node: "n2", identity: "b", logger: Self.quiet) { b in
                let first = try await a.withLeadership("job", ttl: .seconds(2)) { token in
                    try await a.write(Array("a".utf8), to: "result", token: token)
                    return token
                }
                #expect(try await a.leader(of: "job") == nil, "a resigned")
                // b now leads; while it does, a's old token is refused, and b's is taken.
                try await b.withLeadership("job", ttl: .seconds(2)) { token in
                    #expect(token > first)
                    #expect(try await b.leader(of: "job") == Leader(identity: "b", token: token))
                    await #expect(throws: VigilKitError.self) { try await a.write(Array("stale".utf8), to: "result", token: first) }
                    try await b.write(Array("b".utf8), to: "result", token: token)
                }
                #expect(try await b.read("result", leadership: "job") == Array("b".utf8))
                // Not a leader: a body never runs for a name that is not a key segment.
                await #expect(throws: VigilKitError.self) { try await a.withLeadership("a/b") { _ in } }
            }
        }
    }

    @Test func aWaitingCandidateTakesOverWithinMillisecondsOfARelease() async throws {
        let endpoints = try await EtcdFixture.current().endpoints
        let cluster = Self.cluster()
        try await withVigil(etcd: endpoints, cluster: cluster, node: "n1", identity: "a", logger: Self.quiet) { a in
            try await withVigil(etcd: endpoints, cluster: cluster, node: "n2", identity: "b", logger: Self.quiet) { b in
                let (released, release) = AsyncStream<Void>.makeStream()
                let clock = ContinuousClock()
                try await withThrowingTaskGroup(of: ContinuousClock.Instant?.self) { group in
                    group.addTask {
                        try await a.withLeadership("job", ttl: .seconds(2)) { _ in
                            for await _ in released { break }
                        }
                        return nil
                    }
                    try await eventually("a leads", timeout: .seconds(10)) { try await a.leader(of: "job")?.identity == "a" }
                    group.addTask {
                        try await b.withLeadership("job", ttl: .seconds(2)) { _ in clock.now }
                    }
                    try await eventually("b campaigns", timeout: .seconds(10)) {
                        try await b.store.range(prefix: b.keyspace.candidates("job")).kvs.count == 2
                    }
                    let start = clock.now
                    release.yield()
                    release.finish()
                    var elected: ContinuousClock.Instant?
                    while let next = try await group.next() { elected = next ?? elected }
                    let measured = try #require(elected) - start
                    print("leadership handover after a release: \(measured)")
                    #expect(measured < .seconds(1))
                }
            }
        }
    }

    @Test func aGroupListsItsMembersAndForgetsOneThatLeft() async throws {
        let endpoints = try await EtcdFixture.current().endpoints
        let cluster = Self.cluster()
        try await withVigil(etcd: endpoints, cluster: cluster, node: "n1", identity: "p1", logger: Self.quiet) { vigil in
            let group = try vigil.members(of: "api")
            var updates = group.updates().makeAsyncIterator()
            #expect(try await updates.next() == [])
            try await group.withMembership(as: "r1", info: ["port": "8001"], ttl: .seconds(2)) {
                #expect(try await updates.next()?.map(\.id) == ["r1"])
                try await group.withMembership(as: "r2", ttl: .seconds(2)) {
                    #expect(try await updates.next()?.map(\.id) == ["r1", "r2"])
                    let members = try await group.list()
                    #expect(members.first == GroupMember(id: "r1", node: "n1", info: ["port": "8001"]))
                    await #expect(throws: VigilKitError.self) { try await group.withMembership(as: "r2") {} }
                }
                #expect(try await updates.next()?.map(\.id) == ["r1"])
            }
            #expect(try await updates.next() == [])
        }
    }

    @Test func statusUpdatesFollowTheConfiguration() async throws {
        let endpoints = try await EtcdFixture.current().endpoints
        let cluster = Self.cluster()
        try await withVigil(etcd: endpoints, cluster: cluster, node: "n1", identity: "p1", logger: Self.quiet) { vigil in
            var updates = vigil.watchStatus().makeAsyncIterator()
            #expect(try await updates.next()?.configured == false)
            let yaml = "cluster: {name: \(cluster)}\nnodes:\n  - {name: n1, address: 127.0.0.1}\nresources:\n  - {name: web, agent: process, params: {command: [/bin/sleep, '1000']}}\n"
            _ = try await vigil.client.applyConfig(yaml: yaml, file: "test.yaml", appliedBy: "test", now: "2026-12-07T00:00:00Z", dryRun: false)
            let next = try #require(try await updates.next())
            #expect(next.configured)
            #expect(next.resourceOrder == ["web"])
            #expect(try await vigil.status() == next)
        }
    }

    @Test func anAgentServesAReportedHealthUntilTheReportExpires() async throws {
        let endpoints = try await EtcdFixture.current().endpoints
        let cluster = Self.cluster()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-kit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let nodes = try AgentNodes(names: ["n1"], endpoints: endpoints, cluster: cluster, directory: directory)
        nodes.pidNamespace = false
        do {
            try await withVigil(etcd: endpoints, cluster: cluster, node: "n1", identity: "keystone-1", logger: Self.quiet) { vigil in
                let yaml = "cluster: {name: \(cluster), fencing: disabled}\nnodes:\n  - {name: n1, address: 127.0.0.1}\nresources: []\n"
                _ = try await vigil.client.applyConfig(yaml: yaml, file: "test.yaml", appliedBy: "test", now: "2026-12-07T00:00:00Z", dryRun: false)
                try await nodes.start("n1")
                let port = try #require(nodes.apiPorts["n1"])
                try await eventually("the agent serves", timeout: .seconds(30)) { httpStatus(port: port, path: "/health/keystone-api") == 404 }
                try await vigil.reportHealth(resource: "keystone-api", healthy: true, reason: "tokens issued", ttl: .seconds(2))
                try await eventually("healthy", timeout: .seconds(10)) { httpStatus(port: port, path: "/health/keystone-api") == 200 }
                try await vigil.reportHealth(resource: "keystone-api", healthy: false, reason: "database unreachable", ttl: .seconds(2))
                try await eventually("unhealthy", timeout: .seconds(10)) { httpStatus(port: port, path: "/health/keystone-api") == 503 }
                let body = httpBody(port: port, path: "/health/keystone-api") ?? ""
                #expect(body.contains("database unreachable") && body.contains("keystone-1"), "\(body)")
                // A reporter that stops reporting: its report goes with its lease.
                try await vigil.reportHealth(resource: "keystone-api", healthy: true, ttl: .seconds(1))
                try await eventually("healthy again", timeout: .seconds(10)) { httpStatus(port: port, path: "/health/keystone-api") == 200 }
                try await eventually("the report expired", timeout: .seconds(10)) { httpStatus(port: port, path: "/health/keystone-api") == 404 }
                // Leaving the scope withdraws a live report at once.
                try await vigil.reportHealth(resource: "glance-api", healthy: true, ttl: .seconds(30))
                try await eventually("glance healthy", timeout: .seconds(10)) { httpStatus(port: port, path: "/health/glance-api") == 200 }
            }
            try await eventually("withdrawn on leaving", timeout: .seconds(10)) {
                httpStatus(port: nodes.apiPorts["n1"] ?? 0, path: "/health/glance-api") == 404
            }
        } catch {
            await nodes.stop()
            throw TestFailure("\(error)\n\(nodes.logs())")
        }
        await nodes.stop()
    }

    @Test func ownersApplyTheirFragmentsSideBySide() async throws {
        let endpoints = try await EtcdFixture.current().endpoints
        let cluster = Self.cluster()
        try await withVigil(etcd: endpoints, cluster: cluster, node: "n1", identity: "keystone-charm", logger: Self.quiet) { keystone in
            try await withVigil(etcd: endpoints, cluster: cluster, node: "n2", identity: "glance-charm", logger: Self.quiet) { glance in
                let base = "cluster: {name: \(cluster)}\nnodes:\n  - {name: n1, address: 127.0.0.1}\n  - {name: n2, address: 127.0.0.2}\nresources:\n  - {name: db, agent: process, params: {command: [/bin/sleep, '1000']}}\n"
                _ = try await keystone.client.applyConfig(yaml: base, file: "cluster.yaml", appliedBy: "op", now: "2026-12-07T00:00:00Z", dryRun: false)
                let typed = Fragment(
                    resources: [Fragment.Resource(name: "keystone-api", agent: "process", params: ["command": ["/bin/sleep", "1000"]], settings: ["migration-threshold": 3])],
                    constraints: [.order(first: "db", then: "keystone-api", kind: "mandatory")],
                    nodes: [Fragment.NodeAttributes(name: "n1", attributes: ["keystone": "yes"])])
                let yaml = "resources:\n  - {name: glance-api, agent: process, params: {command: [/bin/sleep, '1000']}}\n"
                for _ in 0..<5 {
                    async let one = keystone.applyFragment(owner: "keystone", typed)
                    async let two = glance.applyFragment(owner: "glance", yaml: yaml)
                    _ = try await (one, two)
                    _ = try await keystone.removeFragment(owner: "keystone")
                    _ = try await glance.removeFragment(owner: "glance")
                }
                async let one = keystone.applyFragment(owner: "keystone", typed)
                async let two = glance.applyFragment(owner: "glance", yaml: yaml)
                _ = try await (one, two)
                let config = try #require(try await keystone.client.view().config)
                #expect(config.resources.map(\.name) == ["db", "glance-api", "keystone-api"])
                #expect(config.resources.last?.migrationThreshold?.description == "3")
                #expect(config.nodes.first?.attributes == ["keystone": "yes"])
                #expect(try await glance.fragments().namesByOwner == ["operator": ["db"], "keystone": ["keystone-api"], "glance": ["glance-api"]])
                // A broken fragment is named, and nothing changes.
                let before = try #require(try await keystone.client.showConfig())
                let error = try await #require(throws: VigilModelError.self) {
                    try await glance.applyFragment(owner: "glance", yaml: "resources:\n  - {name: glance-api, agent: process, params: {command: []}, monitor: {interval: never}}\n")
                }
                #expect(error.diagnostics.allSatisfy { $0.file == "fragment glance" && $0.line == 2 }, "\(error)")
                #expect(try await keystone.client.showConfig() == before)
            }
        }
    }
}
