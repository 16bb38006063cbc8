import Foundation
import Testing
import VigilNode
import VigilCluster
import VigilStore

/// `vigil config|status|node|resource|events` end to end: the built binary against a real
/// etcd started for the suite.
@Suite("vigil CLI on real etcd", .etcd(members: 1))
struct EtcdCLITests {
    /// A scratch directory (removed afterwards), a unique cluster name and the endpoints.
    struct Fixture {
        let directory: URL
        let cluster: String
        let endpoints: [String]

        var connection: [String] {
            ["--etcd", endpoints.joined(separator: ","), "--cluster", cluster,
             "--client-config", directory.appendingPathComponent("no-vigil.yaml").path]
        }

        func vigil(_ arguments: String...) throws -> VigilBinary.Result {
            try VigilBinary.run(arguments + connection, in: directory)
        }

        func write(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }

        func yaml() -> String {
            """
            cluster: {name: \(cluster), no-quorum-policy: stop, fencing: self}
            nodes: [{name: n1}, {name: n2}]
            resources:
              - {name: web, agent: "ocf:pacemaker:Dummy"}
            """
        }

        func withStore<T: Sendable>(_ body: (EtcdStore, Keyspace) async throws -> T) async throws -> T {
            try await withEtcdStore(EtcdConfiguration(endpoints: endpoints)) { store in
                try await body(store, Keyspace(cluster: cluster))
            }
        }
    }

    func withFixture(_ body: (Fixture) async throws -> Void) async throws {
        let endpoints = try await EtcdFixture.current().endpoints
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-cli-etcd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(Fixture(directory: directory, cluster: "e2e-\(UUID().uuidString.prefix(8).lowercased())", endpoints: endpoints))
    }

    @Test
    func aTypoIsRejectedWithItsPositionAndNothingIsWritten() async throws {
        try await withFixture { f in
            let path = try f.write("bad.yaml", f.yaml().replacingOccurrences(of: "agent:", with: "agnet:"))
            let result = try f.vigil("config", "apply", path)
            #expect(result.status == 1)
            #expect(result.stderr.contains("\(path):4:"), "\(result.stderr)")
            let kvs = try await f.withStore { store, keyspace in try await store.range(prefix: keyspace.prefix).kvs }
            #expect(kvs.isEmpty)
        }
    }

    @Test
    func applyShowRoundTripAndDryRun() async throws {
        try await withFixture { f in
            let path = try f.write("c.yaml", f.yaml())
            let dry = try f.vigil("config", "apply", path, "--dry-run")
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("dry run: nothing written"))
            let none = try f.vigil("config", "show")
            #expect(none.status == 1)
            #expect(none.stderr.contains("no configuration"))

            let applied = try f.vigil("config", "apply", path)
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.contains("applied (revision "))
            let shown = try f.vigil("config", "show")
            #expect(shown.status == 0)
            #expect(shown.stdout == f.yaml() + "\n")

            // Without --cluster, apply uses the same rule as the agents ('default' here), and
            // refuses a configuration named otherwise, even for a dry run.
            let byName = try VigilBinary.run(
                ["config", "apply", path, "--dry-run", "--etcd", f.endpoints.joined(separator: ","),
                 "--client-config", f.directory.appendingPathComponent("none.yaml").path], in: f.directory)
            #expect(byName.status == 1 && byName.stderr.contains("use cluster 'default'"), "\(byName.stderr)")
        }
    }

    @Test
    func nodeResourceCleanupAndEvents() async throws {
        try await withFixture { f in
            #expect(try f.vigil("config", "apply", try f.write("c.yaml", f.yaml())).status == 0)

            let standby = try f.vigil("node", "standby", "n2")
            #expect(standby.status == 0, "\(standby.stderr)")
            let status = try f.vigil("status", "--json")
            #expect(status.status == 0, "\(status.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let nodes = try #require(object["nodes"] as? [String: [String: Bool]])
            #expect(nodes["n2"] == ["online": false, "standby": true, "maintenance": false, "unclean": false])
            #expect((object["resources"] as? [String: [String: String]]) == ["web": [:]])
            #expect(object["coordinator"] is NSNull)

            let unknown = try f.vigil("node", "standby", "n9")
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("n9"))

            #expect(try f.vigil("resource", "ban", "web", "--node", "n1").status == 0)
            let admin = try await f.withStore { store, keyspace in try await store.get(keyspace.resourceAdmin("web"))?.stringValue }
            #expect(admin?.contains("\"n1\"") == true)
            #expect(try f.vigil("resource", "clear", "web").status == 0)
            #expect(try await f.withStore { store, keyspace in try await store.get(keyspace.resourceAdmin("web")) } == nil)

            _ = try await f.withStore { store, keyspace in
                try await store.put(keyspace.failcount("web", on: "n1"), "{\"count\":3,\"last-failure\":\"2026-11-25T10:00:00Z\"}")
            }
            let counted = try f.vigil("status")
            #expect(counted.stdout.contains("failcounts: n1=3"), "\(counted.stdout)")
            let cleanup = try f.vigil("resource", "cleanup", "web")
            #expect(cleanup.status == 0)
            #expect(cleanup.stdout.contains("1 failcount deleted"))
            #expect(try await f.withStore { store, keyspace in try await store.range(prefix: keyspace.failcounts).kvs } == [])

            let events = try f.vigil("events", "--limit", "10")
            #expect(events.status == 0)
            let kinds = events.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true)[2] }
            #expect(kinds == ["config-applied", "node-admin", "resource-ban", "resource-clear", "resource-cleanup"])
        }
    }

    @Test
    func statusWatchPrintsEachChange() async throws {
        try await withFixture { f in
            #expect(try f.vigil("config", "apply", try f.write("c.yaml", f.yaml())).status == 0)
            let output = f.directory.appendingPathComponent("watch.out")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            defer { try? handle.close() }
            let process = Process()
            process.executableURL = VigilBinary.executable
            process.arguments = ["status", "--watch", "--json"] + f.connection
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            defer {
                if process.isRunning {
                    process.terminate()
                    process.waitUntilExit()
                }
            }
            func lines() -> [String] {
                ((try? String(contentsOf: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            }
            try await eventually("the first status") { lines().count == 1 }
            #expect(try f.vigil("node", "maintenance", "n1").status == 0)
            try await eventually("the status after the change") { lines().count == 2 }
            #expect(lines().last?.contains("\"n1\":{\"maintenance\":true") == true, "\(lines())")
            #expect(process.isRunning)
        }
    }

    @Test
    func unreachableEtcdIsOneLine() async throws {
        try await withFixture { f in
            let port = try FreePorts.take(1)[0]
            let result = try VigilBinary.run(
                ["status", "--etcd", "http://127.0.0.1:\(port)", "--client-config", f.directory.appendingPathComponent("none").path],
                in: f.directory)
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("cannot reach etcd at http://127.0.0.1:\(port): "), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test
    func fragmentsAreAppliedListedShownAndRemovedByOwner() async throws {
        try await withFixture { f in
            let base = try f.write("cluster.yaml", f.yaml())
            #expect(try f.vigil("config", "apply", base).status == 0)
            let fragment = try f.write(
                "keystone.yaml",
                "resources:\n  - {name: keystone-api, agent: \"ocf:pacemaker:Dummy\"}\nconstraints:\n  - order: {first: web, then: keystone-api}\n")
            let applied = try f.vigil("config", "fragment", "apply", "keystone", fragment)
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.contains("applied (revision"), "\(applied.stdout)")
            let list = try f.vigil("config", "fragment", "list")
            #expect(list.stdout.contains("operator: web") && list.stdout.contains("keystone: keystone-api"), "\(list.stdout)")
            let show = try f.vigil("config", "show")
            #expect(show.stdout.hasPrefix("# operator: web"), "\(show.stdout)")
            #expect(show.stdout.contains("keystone-api"))
            #expect(try f.vigil("config", "fragment", "show", "keystone").stdout.contains("keystone-api"))
            // Broken: named with its file and line, nothing written.
            let broken = try f.write("broken.yaml", "resources:\n  - {name: nova, agent: process, migration-threshold: lots}\n")
            let refused = try f.vigil("config", "fragment", "apply", "nova", broken)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("broken.yaml:2:"), "\(refused.stderr)")
            #expect(try f.vigil("config", "fragment", "show", "nova").status != 0)
            // The operator's configuration cannot lose what keystone orders after.
            let withoutWeb = try f.write("cluster2.yaml", f.yaml().replacingOccurrences(of: "  - {name: web, agent: \"ocf:pacemaker:Dummy\"}", with: "  []").replacingOccurrences(of: "resources:\n  []", with: "resources: []"))
            let removal = try f.vigil("config", "apply", withoutWeb)
            #expect(removal.status == 1 && removal.stderr.contains("fragment keystone:4:"), "\(removal.stderr)")
            #expect(try f.vigil("config", "fragment", "remove", "keystone").status == 0)
            #expect(!(try f.vigil("config", "show").stdout.contains("keystone")))
        }
    }

    /// `vigil node attribute` (issue 15): permanent values set, read, listed with where they
    /// come from, deleted; a transient one refused for a node that is not a member; status
    /// shows the attributes a rule reads; a bad name is refused with a reason.
    @Test
    func nodeAttributesAreSetReadAndShown() async throws {
        try await withFixture { f in
            let yaml = f.yaml().replacingOccurrences(of: "nodes: [{name: n1}, {name: n2}]", with: "nodes: [{name: n1, attributes: {rack: a}}, {name: n2}]")
                + "\nconstraints:\n  - location: {resource: web, rule: \"rack eq b\", score: -INFINITY}\n"
            #expect(try f.vigil("config", "apply", try f.write("c.yaml", yaml)).status == 0)
            #expect(try f.vigil("node", "attribute", "get", "n1", "rack").stdout == "a\n")
            let set = try f.vigil("node", "attribute", "set", "n1", "rack", "b")
            #expect(set.status == 0 && set.stdout == "n1: rack=b\n", "\(set.stderr)")
            #expect(try f.vigil("node", "attribute", "get", "n1", "rack").stdout == "b\n")
            #expect(try f.vigil("node", "attribute", "list", "n1").stdout == "rack=b (permanent)\n")
            let status = try f.vigil("status")
            #expect(status.stdout.contains("(rack=b)"), "\(status.stdout)")
            let json = try f.vigil("status", "--json").stdout
            #expect(json.contains(#""attributes":{"rack":"b"}"#), "\(json)")
            let transient = try f.vigil("node", "attribute", "set", "n2", "pingd", "1", "--transient")
            #expect(transient.status != 0 && transient.stderr.contains("not a member"), "\(transient.stderr)")
            let bad = try f.vigil("node", "attribute", "set", "n1", "#uname", "x")
            #expect(bad.status != 0 && bad.stderr.contains("reserved"), "\(bad.stderr)")
            #expect(try f.vigil("node", "attribute", "delete", "n1", "rack").stdout == "n1: rack deleted\n")
            #expect(try f.vigil("node", "attribute", "get", "n1", "rack", "--permanent").status != 0)
            #expect(try f.vigil("node", "attribute", "get", "n1", "rack").stdout == "a\n")
            let events = try f.vigil("events").stdout
            #expect(events.contains("attribute rack set to b"), "\(events)")
        }
    }
}

/// `vigil explain` against the live cluster: the view in etcd (no agent is a member, so every
/// node is offline; an operator's standby and a resource move are taken into account as the
/// coordinator takes them) — the same answer the coordinator's own run would give.
extension EtcdCLITests {
    @Test func theLiveClusterIsExplained() async throws {
        try await withFixture { f in
            #expect(try f.vigil("config", "apply", try f.write("c.yaml", f.yaml())).status == 0)
            let offline = try f.vigil("explain", "web")
            #expect(offline.status == 0, "\(offline.stderr)")
            #expect(offline.stdout.contains("web: stopped") && offline.stdout.contains("why: can run nowhere: n1 is offline; n2 is offline"), "\(offline.stdout)")
            #expect(try f.vigil("resource", "move", "web", "--node", "n2").status == 0)
            let moved = try f.vigil("explain", "web", "--json")
            #expect(moved.status == 0, "\(moved.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(moved.stdout.utf8)) as? [String: Any])
            let nodes = try #require(object["nodes"] as? [[String: Any]])
            let n2 = try #require(nodes.first { $0["node"] as? String == "n2" }?["terms"] as? [[String: Any]])
            #expect(n2.contains { $0["kind"] as? String == "location" && $0["score"] as? Int == 1_000_000 }, "the move is a location INFINITY: \(n2)")
            let unknown = try f.vigil("explain", "nosuch")
            #expect(unknown.status == 1 && unknown.stderr.contains("no resource or group 'nosuch' (configured: web)"), "\(unknown.stderr)")
        }
    }
}

/// The cluster-name rule (issue 16, "no silent no-op"): `config apply` writes only where the
/// agents look — `--cluster`, else the client file's `cluster:`, else `default` — and says
/// who is there.
extension EtcdCLITests {
    @Test func applyWritesOnlyWhereTheAgentsLookAndSaysWhoIsThere() async throws {
        try await withFixture { f in
            let path = try f.write("c.yaml", f.yaml())
            // No --cluster: the rule gives 'default', not the file's name.
            let mismatched = try VigilBinary.run(
                ["config", "apply", path, "--etcd", f.endpoints.joined(separator: ","), "--client-config", f.directory.appendingPathComponent("none.yaml").path],
                in: f.directory)
            #expect(mismatched.status == 1)
            #expect(mismatched.stderr.contains("cluster.name is '\(f.cluster)', but this command and the agents use cluster 'default'"), "\(mismatched.stderr)")
            #expect(mismatched.stderr.contains("nothing applied") && mismatched.stderr.contains("--cluster \(f.cluster)"))
            let shown = try f.vigil("config", "show")
            #expect(shown.status == 1, "nothing was written: \(shown.stdout)")
            // The right name, and no agent there: applied, with a loud warning.
            let applied = try f.vigil("config", "apply", path)
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stderr.contains("warning: no agent is a member of cluster '\(f.cluster)'"), "\(applied.stderr)")
            // A client file naming the cluster is the same rule.
            let client = try f.write("vigil.yaml", "etcd: [\(f.endpoints.joined(separator: ", "))]\ncluster: \(f.cluster)\n")
            let viaFile = try VigilBinary.run(["config", "apply", path, "--dry-run", "--client-config", client], in: f.directory)
            #expect(viaFile.status == 0 && viaFile.stdout.contains("dry run"), "\(viaFile.stderr)")
        }
    }
}
