import Foundation
import Testing
import VigilCluster
import VigilModel
import VigilNode
import VigilStore

/// Node attributes (issue 15) on an in-memory store: the client's writes, what the view
/// counts as a change, the state the scheduler gets, the agent's attribute service
/// (dampening, read-your-writes), and Pacemaker's tools through a real attribute socket.
@Suite("Node attributes (MemoryStore)")
struct NodeAttributeTests {
    let keyspace = Keyspace(cluster: "attrs")
    static let config = """
        cluster: {name: attrs}
        nodes:
          - {name: n1, attributes: {rack: a}}
          - {name: n2}
        resources:
          - {name: web, agent: process, params: {command: [/bin/sleep, '1000']}}
          - {name: st, agent: "ocf:pacemaker:Stateful", promotable: {}}
        constraints:
          - location: {resource: web, rule: "not_defined pingd or pingd lte 0", score: -INFINITY}
        """

    func client(_ store: any ClusterStore) -> ClusterClient {
        ClusterClient(store: store, keyspace: keyspace, actor: "op@test")
    }

    /// A configured store where `members` have member keys (on leases); returns the leases.
    func cluster(members: [String] = ["n1", "n2"]) async throws -> (MemoryStore, [String: Int64]) {
        let store = try MemoryStore(clock: TestClock())
        _ = try await client(store).applyConfig(yaml: Self.config, file: "c.yaml", appliedBy: "op", now: "2026-12-07T10:00:00Z", dryRun: false)
        var leases: [String: Int64] = [:]
        for member in members {
            let lease = try await store.grantLease(ttl: .seconds(10))
            _ = try await store.put(keyspace.member(member), "{}", lease: lease.id)
            leases[member] = lease.id
        }
        return (store, leases)
    }

    @Test func permanentAndTransientValuesAndWhichOneRulesRead() async throws {
        let (store, leases) = try await cluster()
        let client = client(store)
        #expect(try await client.nodeAttribute("rack", on: "n1").effective == "a")
        #expect(try await client.setNodeAttribute("rack", to: "b", on: "n1", transient: false))
        #expect(try await client.setNodeAttribute("rack", to: "b", on: "n1", transient: false) == false)
        #expect(try await client.nodeAttribute("rack", on: "n1").effective == "b")
        try await client.setNodeAttribute("rack", to: "c", on: "n1", transient: true)
        let values = try await client.nodeAttribute("rack", on: "n1")
        #expect(values.effective == "c" && values.permanent?.value == "b" && values.configured == "a")
        #expect(values.transient?.by == "op@test")
        // The transient value ends with the membership: the lease's end takes it.
        try await store.revokeLease(try #require(leases["n1"]))
        #expect(try await client.nodeAttribute("rack", on: "n1").effective == "b")
        #expect(try await client.deleteNodeAttribute("rack", on: "n1", transient: false))
        #expect(try await client.deleteNodeAttribute("rack", on: "n1", transient: false) == false)
        #expect(try await client.nodeAttribute("rack", on: "n1").effective == "a")
        // Every write was recorded as an event.
        let events = try await client.events(limit: 20).map(\.message)
        #expect(events.contains { $0.contains("transient attribute rack set to c") }, "\(events)")
    }

    @Test func badNamesNodesAndTransientValuesOfNonMembersAreRefusedAndWriteNothing() async throws {
        let (store, _) = try await cluster(members: ["n1"])
        let client = client(store)
        let before = try await store.range(prefix: keyspace.prefix).kvs.count
        for name in ["#uname", "a/b", "", "x y"] {
            let error = try await #require(throws: VigilClusterError.self) { try await client.setNodeAttribute(name, to: "1", on: "n1", transient: false) }
            #expect(error.code == .invalidArgument)
        }
        let unknown = try await #require(throws: VigilClusterError.self) { try await client.setNodeAttribute("pingd", to: "1", on: "n9", transient: false) }
        #expect(unknown.code == .notFound && unknown.message.contains("n9"))
        let offline = try await #require(throws: VigilClusterError.self) { try await client.setNodeAttribute("pingd", to: "1", on: "n2", transient: true) }
        #expect(offline.code == .notFound && offline.message.contains("not a member"))
        #expect(try await store.range(prefix: keyspace.prefix).kvs.count == before)
    }

    /// The view counts an attribute change as a change (something to plan from) only when
    /// a rule reads the attribute, or it is a promotable's promotion score, and its value
    /// changed.
    @Test func onlyAttributesTheSchedulerReadsChangeTheView() async throws {
        let (store, _) = try await cluster()
        // st runs on n2 (unpromoted; its own agent reported no score).
        _ = try await store.put(keyspace.status("st", on: "n2"), #"{"state": "started", "since": "2026-12-07T10:00:00Z"}"#)
        var view = try await client(store).view()
        func apply(_ name: String, _ value: String?, transient: Bool = true, on node: String = "n1") async throws -> Bool {
            let (compares, operations) = try ClusterClient.nodeAttributeWrite(
                keyspace: keyspace, name: name, value: value, node: node, transient: transient, member: view.members[node], by: "t", at: Date())
            let result = try await store.txn(Txn(compares: compares, success: operations))
            #expect(result.succeeded)
            let range = try await store.range(prefix: keyspace.nodes)
            let events = range.kvs.filter { $0.modRevision == result.revision }.map { WatchEvent(kind: .put, kv: $0) }
            let deleted = value == nil ? [WatchEvent(kind: .delete, kv: KeyValue(key: keyspace.nodeAttribute(name, on: node, transient: transient), value: []))] : []
            return view.apply(events + deleted, revision: result.revision)
        }
        #expect(try await apply("galera-last-committed", "42") == false)
        #expect(view.transientAttributes["n1"]?["galera-last-committed"]?.record.value == "42")
        #expect(try await apply("pingd", "1000") == true)
        #expect(try await apply("pingd", "1000") == false)
        #expect(try await apply("pingd", "1000", transient: false) == false, "a permanent value under the same transient one changes nothing")
        #expect(try await apply("master-st", "5", on: "n2") == true)
        #expect(try await apply("master-web", "5", on: "n2") == false, "web is not promotable")
        #expect(try await apply("pingd", nil) == false, "the permanent value, the same, is what rules read now")
        #expect(view.attributes(of: "n1")["pingd"] == "1000")
        #expect(try await apply("pingd", nil, transient: false) == true)
        #expect(try await apply("pingd", "1000", transient: false) == true)
        let state = StateBuilder.state(from: view, config: try #require(view.config), now: nil)
        #expect(state.status(of: "n1").attributes == ["pingd": "1000", "galera-last-committed": "42"])
        #expect(state.promotionScores["st"]?["n2"] == Score(5))
    }

    /// The agent's service accepts a write at once and writes it after its dampening
    /// delay, with the latest value; reads on the host see it from the moment it is
    /// accepted.
    @Test func theServiceDampensWritesAndReadsItsOwnWrites() async throws {
        let (store, _) = try await cluster()
        let keyspace = self.keyspace
        let viewBox = ViewBox(try await client(store).view())
        let service = NodeAttributeService(store: store, keyspace: keyspace, node: "n1", view: { await viewBox.refresh(store, keyspace) }, logger: .init(label: "t"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await service.run() }
            try await service.set("pingd", to: "1000", transient: true, dampen: .milliseconds(300))
            try await service.set("pingd", to: "2000", transient: true, dampen: .milliseconds(300))
            #expect(await service.value("pingd", transient: true) == "2000")
            #expect(try await store.get(keyspace.nodeAttribute("pingd", on: "n1", transient: true)) == nil, "dampened: not yet written")
            try await eventually("pingd written", timeout: .seconds(5)) {
                try await store.get(keyspace.nodeAttribute("pingd", on: "n1", transient: true)) != nil
            }
            let written = try #require(try await store.get(keyspace.nodeAttribute("pingd", on: "n1", transient: true)))
            #expect(try JSONDecoder().decode(NodeAttributeRecord.self, from: Data(written.value)).value == "2000")
            #expect(written.version == 1, "one write for the dampened changes")
            #expect(written.lease != 0, "transient: on n1's member lease")
            // Without dampening, for another node, permanent.
            try await service.set("rack", to: "z", on: "n2", transient: false)
            try await eventually("rack written", timeout: .seconds(5)) {
                try await store.get(keyspace.nodeAttribute("rack", on: "n2", transient: false)) != nil
            }
            #expect(await service.value("rack", on: "n2", transient: nil) == "z")
            #expect(await service.values(named: "pingd", transient: true) == ["n1": "2000"])
            await #expect(throws: VigilClusterError.self) { try await service.set("x", to: "1", on: "n9", transient: false) }
            group.cancelAll()
        }
    }

    /// An agent probes its resources while it joins: `ocf:pacemaker:ping`'s probe sets
    /// `pingd` before the agent's own member key is in its view. The write is accepted (as
    /// attrd accepts writes while Pacemaker starts) and written on the member lease once
    /// the membership is there — a CI run failed the ping proof on this (the probe failed
    /// with "not a member").
    @Test func anAgentsOwnTransientWriteWaitsForItsMembership() async throws {
        let (store, _) = try await cluster(members: [])
        let keyspace = self.keyspace
        let viewBox = ViewBox(try await client(store).view())
        let service = NodeAttributeService(store: store, keyspace: keyspace, node: "n2", view: { await viewBox.refresh(store, keyspace) }, logger: .init(label: "t"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await service.run() }
            try await service.set("pingd", to: "1000", transient: true)
            #expect(await service.value("pingd", transient: true) == "1000", "read back at once")
            let key = keyspace.nodeAttribute("pingd", on: "n2", transient: true)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await store.get(key) == nil, "not written without a membership to end with")
            let lease = try await store.grantLease(ttl: .seconds(10))
            _ = try await store.put(keyspace.member("n2"), "{}", lease: lease.id)
            try await eventually("pingd written once n2 is a member", timeout: .seconds(5)) { try await store.get(key) != nil }
            #expect(try await store.get(key)?.lease == lease.id, "on n2's member lease")
            // Another node's transient value still needs that node to be a member.
            let refused = await #expect(throws: VigilClusterError.self) { try await service.set("pingd", to: "1", on: "n1", transient: true) }
            #expect(refused?.message.contains("n1 is not a member") == true, "\(String(describing: refused))")
            group.cancelAll()
        }
    }

    /// crm_attribute, attrd_updater and crm_node as OCF agents call them, through a real
    /// attribute socket served by the agent's service.
    @Test func pacemakerToolsThroughTheSocket() async throws {
        let (store, _) = try await cluster()
        let keyspace = self.keyspace
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-attrsock-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("attributes.sock").path
        let viewBox = ViewBox(try await client(store).view())
        let view: @Sendable () async -> ClusterView = { await viewBox.refresh(store, keyspace) }
        let service = NodeAttributeService(store: store, keyspace: keyspace, node: "n1", view: view, logger: .init(label: "t"))
        let server = AttributeSocketServer(path: socket, service: service, node: "n1", view: view, logger: .init(label: "t"))
        let promotionFile = directory.appendingPathComponent("promotion").path
        let environment = ["VIGIL_NODE": "n1", "VIGIL_ATTRIBUTES_SOCKET": socket, "VIGIL_PROMOTION_FILE": promotionFile, "OCF_RESOURCE_INSTANCE": "st:1"]
        func tool(_ name: String, _ arguments: [String]) async -> PacemakerTool.Outcome {
            await PacemakerTool.run(tool: name, arguments: arguments, environment: environment)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await service.run() }
            group.addTask { try await server.run() }
            try await eventually("the socket", timeout: .seconds(10)) { FileManager.default.fileExists(atPath: socket) }
            #expect(try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int == 0o600)
            // ocf:heartbeat:galera's calls.
            #expect(await tool("crm_attribute", ["-N", "n2", "-l", "reboot", "--name", "galera-last-committed", "-v", "1234"]).status == 0)
            #expect(await tool("crm_attribute", ["-N", "n2", "-l", "reboot", "--name", "galera-last-committed", "--quiet"]).output == "1234\n")
            #expect(await tool("crm_attribute", ["-N", "n2", "-l", "reboot", "--name", "galera-last-committed", "-G"]).output
                == "scope=status  name=galera-last-committed value=1234\n")
            let missing = await tool("crm_attribute", ["-N", "n2", "-l", "reboot", "--name", "galera-bootstrap", "--quiet"])
            #expect(missing.status == 105 && missing.output.isEmpty)
            #expect(await tool("crm_attribute", ["-N", "n2", "-l", "reboot", "--name", "galera-bootstrap", "-G", "-d", "false", "-q"]).output == "false\n")
            #expect(await tool("crm_attribute", ["-N", "n2", "-l", "reboot", "--name", "galera-last-committed", "-D"]).status == 0)
            #expect(await tool("crm_attribute", ["-N", "n2", "-l", "reboot", "--name", "galera-last-committed", "-q"]).status == 105)
            // ocf:heartbeat:rabbitmq-cluster's permanent attribute.
            #expect(await tool("crm_attribute", ["-N", "n1", "-l", "forever", "--name", "rmq-last", "-v", "rabbit@n1"]).status == 0)
            #expect(await tool("crm_attribute", ["-N", "n1", "-l", "forever", "--query", "--name", "rmq-last", "-q"]).output == "rabbit@n1\n")
            // ocf:pacemaker:ping's.
            #expect(await tool("attrd_updater", ["-n", "pingd", "-v", "1000", "-d", "5s"]).status == 0)
            #expect(await tool("attrd_updater", ["-Q", "-n", "pingd"]).output == "name=\"pingd\" host=\"n1\" value=\"1000\"\n")
            #expect(await tool("attrd_updater", ["-n", "pingd", "-B", "0", "-d", "1"]).status == 0)
            #expect(await tool("attrd_updater", ["-Q", "-A", "-n", "pingd"]).output == "name=\"pingd\" host=\"n1\" value=\"0\"\n")
            #expect(await tool("attrd_updater", ["-D", "-n", "pingd", "-d", "5s"]).status == 0)
            #expect(await tool("attrd_updater", ["-Q", "-n", "pingd"]).status == 105)
            // Promotion scores: this node's go to the action's file, another node's are its
            // transient master-<resource>.
            #expect(await tool("crm_master", ["-l", "reboot", "-v", "10"]).status == 0)
            #expect(try String(contentsOfFile: promotionFile, encoding: .utf8) == "10\n")
            #expect(await tool("crm_attribute", ["-p", "-N", "n2", "-v", "100"]).status == 0)
            #expect(await tool("crm_attribute", ["-N", "n2", "-l", "reboot", "-n", "master-st", "-q"]).output == "100\n")
            // crm_node.
            #expect(await tool("crm_node", ["-n"]).output == "n1\n")
            #expect(await tool("crm_node", ["-q"]).output == "1\n")
            #expect(await tool("crm_node", ["-p"]).output == "n1 n2\n")
            #expect(await tool("crm_node", ["-l"]).output == "1 n1 member\n2 n2 member\n")
            #expect(await tool("crm_node", ["-i"]).output == "1\n")
            // What Vigil does not do fails with a reason, and usage errors with 64.
            let property = await tool("crm_attribute", ["-n", "stonith-enabled", "-v", "false"])
            #expect(property.status == 3 && property.error.contains("configuration"))
            #expect(await tool("crm_attribute", ["-N", "n1", "-l", "sometimes", "-n", "x", "-v", "1"]).status == 64)
            #expect(await tool("attrd_updater", ["-n", "x", "-v", "1", "-d", "soon"]).status == 64)
            #expect(await tool("crm_node", ["-R", "n2"]).status == 3)
            group.cancelAll()
        }
        // Written to the store as the cluster sees it.
        try await eventually("the permanent attribute in etcd", timeout: .seconds(5)) {
            try await store.get(keyspace.nodeAttribute("rmq-last", on: "n1", transient: false)) != nil
        }
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket is removed when the server ends")
    }

    /// The exact pipelines of Debian's resource agents, in bash with ocf-shellfuncs sourced
    /// and the tools linked to the built `vigil` as the OCF executor links them:
    /// rabbitmq-cluster's `cibadmin -Q --xpath … | grep | sed` for its peers' node names and
    /// `crm_mon -r --as-xml | xmllint --xpath` for the online nodes; galera's
    /// `crm_mon_no_validation --output-as=xml | grep` for a running promoted instance.
    @Test func resourceAgentsPipelinesReadTheCIBAndCrmMon() async throws {
        let (store, _) = try await cluster()
        let keyspace = self.keyspace
        _ = try await store.put(keyspace.status("st", on: "n1"), #"{"state": "promoted", "since": "2026-12-07T10:00:00Z"}"#)
        _ = try await store.put(keyspace.status("st", on: "n2"), #"{"state": "unpromoted", "since": "2026-12-07T10:00:00Z"}"#)
        _ = try await client(store).setNode("n2", standby: true)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-cib-\(UUID().uuidString.prefix(8))")
        let bin = directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for tool in ["cibadmin", "crm_mon", "crm_attribute", "crm_node", "pacemakerd"] {
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(tool).path, withDestinationPath: AgentNodes.vigil.path)
        }
        let socket = directory.appendingPathComponent("attributes.sock").path
        let viewBox = ViewBox(try await client(store).view())
        let view: @Sendable () async -> ClusterView = { await viewBox.refresh(store, keyspace) }
        let service = NodeAttributeService(store: store, keyspace: keyspace, node: "n1", view: view, logger: .init(label: "t"))
        let server = AttributeSocketServer(path: socket, service: service, node: "n1", view: view, logger: .init(label: "t"))
        func bash(_ script: String) throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", ". /usr/lib/ocf/lib/heartbeat/ocf-shellfuncs; " + script]
            process.environment = [
                "PATH": bin.path + ":/usr/sbin:/usr/bin:/sbin:/bin", "HA_SBIN_DIR": bin.path, "SHELL": "/bin/bash", "OCF_ROOT": "/usr/lib/ocf",
                "VIGIL_ATTRIBUTES_SOCKET": socket, "VIGIL_NODE": "n1", "OCF_RESKEY_crm_feature_set": "3.16.2",
            ]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await service.run() }
            group.addTask { try await server.run() }
            try await eventually("the socket", timeout: .seconds(10)) { FileManager.default.fileExists(atPath: socket) }
            try await service.set("rmq-node-attr-rabbitmq", to: "rabbit@n1", on: "n1", transient: true)
            try await service.set("rmq-node-attr-rabbitmq", to: "rabbit@n2", on: "n2", transient: true)
            try await eventually("both written", timeout: .seconds(5)) {
                try await store.range(prefix: keyspace.nodes).kvs.filter { $0.key.hasSuffix("/transient/rmq-node-attr-rabbitmq") }.count == 2
            }
            let peers = try bash(#"cibadmin -Q --xpath "//node_state[@crmd='online']//nvpair[@name='rmq-node-attr-rabbitmq']" | grep "rmq-node-attr-rabbitmq" | sed -n -e "s/^.*value=.\(.*\)\".*$/\1/p""#)
            #expect(peers.output == "rabbit@n1\nrabbit@n2\n", "\(peers)")
            let online = try bash(#"crm_mon_no_validation -r --as-xml | xmllint --format --xpath "//nodes//node[@online='true' and @standby='false']/@name" -"#)
            #expect(online.output.trimmingCharacters(in: .whitespacesAndNewlines) == #"name="n1""#, "n2 is in standby: \(online)")
            let promoted = try bash(#"crm_mon_no_validation -1 --output-as=xml | grep -q -i -E "resource.*id=\"st\".*role=\"(Promoted|Master)\".*active=\"true\".*orphaned=\"false\".*failed=\"false\"""#)
            #expect(promoted.status == 0, "\(promoted)")
            let members = try bash(#"crm_mon_no_validation -1X | xmllint --xpath "count(//nodes/node[@type='member'])" -"#)
            #expect(members.output == "2\n", "\(members)")
            let none = try bash(#"cibadmin -Q --xpath "//nvpair[@name='absent']""#)
            #expect(none.status == 105)
            #expect(try bash("cibadmin -R -X '<cib/>'").status == 3)
            #expect(try bash("ocf_local_nodename").output == "n1\n")
            group.cancelAll()
        }
    }

    @Test func toolArgumentsParseLikeGLib() async throws {
        let outside = await PacemakerTool.run(tool: "crm_attribute", arguments: ["-N", "n1", "-n", "x", "-G"], environment: [:])
        #expect(outside.status == 69 && outside.error.contains("VIGIL_ATTRIBUTES_SOCKET"))
        #expect(PacemakerTool.tool(invokedAs: "/run/vigil/bin/crm_attribute") == "crm_attribute")
        #expect(PacemakerTool.tool(invokedAs: "vigil") == nil)
        #expect(await PacemakerTool.run(tool: "crm_node", arguments: ["-n"], environment: ["VIGIL_NODE": "n7"]).output == "n7\n")
        #expect(await PacemakerTool.run(tool: "crm_attribute", arguments: ["--bogus"], environment: [:]).status == 64)
    }
}

/// The latest view of a store, read again on each call (the test's stand-in for an
/// agent's watched view).
actor ViewBox {
    private var view: ClusterView
    init(_ view: ClusterView) { self.view = view }
    func refresh(_ store: any ClusterStore, _ keyspace: Keyspace) async -> ClusterView {
        if let range = try? await keyspace.readView(store) { view = ClusterView(keyspace: keyspace, range: range) }
        return view
    }
}
