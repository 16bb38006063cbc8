import Foundation
import Glibc
import Testing
import VigilHealth
import VigilNode
import VigilCluster
import VigilStore

/// `agent: galera` for real (issue 11): MariaDB 10.11 + galera-4 from Debian, three nodes on
/// 127.0.0.1, three `vigil agent`s in PID namespaces, 3 etcd members.
@Suite("Real agents: Galera", .etcd(members: 3), .serialized)
struct GaleraAgentTests {
    static func withLab(_ name: String, _ body: (GaleraLab, EtcdStore) async throws -> Void) async throws {
        let etcd = try EtcdFixture.current()
        let endpoints = await etcd.endpoints
        let lab = try GaleraLab(cluster: name, endpoints: endpoints)
        try await withEtcdStore(EtcdConfiguration(endpoints: endpoints)) { store in
            do {
                try await body(lab, store)
            } catch {
                let summary = await lab.summary(store)
                let logs = lab.logs()
                await lab.stop()
                throw TestFailure("\(error) [lab: \(summary)]\n\(logs)")
            }
            await lab.stop()
        }
    }

    static func apply(_ lab: GaleraLab, _ yaml: String) throws {
        let file = lab.directory.appendingPathComponent("cluster-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let result = try VigilBinary.run(
            ["config", "apply", file.path, "--etcd", lab.nodes.endpoints.joined(separator: ","), "--cluster", lab.cluster], in: lab.directory)
        guard result.status == 0 else { throw TestFailure("config apply: \(result.stderr)") }
    }

    @Test func coldStartFromEmptyDatadirsFormsOneClusterWithOneWriter() async throws {
        try await Self.withLab("galeracold") { lab, store in
            try Self.apply(lab, lab.config())
            for node in lab.names { try await lab.nodes.start(node) }
            try await eventually("three Synced nodes", timeout: .seconds(120), every: .milliseconds(500)) {
                try await lab.synced(store).count == 3
            }
            let view = try await lab.view(store)
            let writer = try #require(view.galeraWriter["db"]?.record.node)
            #expect(lab.names.contains(writer))
            // `vigil status --json` shows each node's state, the writer and the bootstrap.
            try await eventually("status to show the Galera cluster", timeout: .seconds(10), every: .milliseconds(200)) {
                let json = try await RealAgentTests.cliOutput(lab, ["status", "--json"])
                guard let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
                    let galera = (document["galera"] as? [String: Any])?["db"] as? [String: Any],
                    let nodes = galera["nodes"] as? [String: [String: Any]]
                else { return false }
                return galera["writer"] as? String == writer && (galera["bootstrapped"] as? [String: Any])?["node"] != nil
                    && lab.names.allSatisfy { (nodes[$0]?["state"] as? String) == "Synced" && (nodes[$0]?["size"] as? Int) == 3 }
            }
            // Only the bootstrap node's datadir was initialised; the others got an SST.
            let bootstraps = lab.names.filter { lab.errorLog($0).contains("wsrep-new-cluster") || lab.errorLog($0).contains("Bootstrapping a new cluster") }
            #expect(bootstraps.count <= 1, "\(bootstraps)")
            for node in lab.names {
                guard case .success(let rows) = await lab.sql(node, "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'") else {
                    Issue.record("\(node) does not answer")
                    continue
                }
                #expect(rows.first?[1] == "3")
            }
        }
    }

    @Test func aBadOptionFileIsRefusedByTheAgentWithAnEventNamingItAndNothingStarts() async throws {
        try await Self.withLab("galerabad") { lab, store in
            // n2's file loses its wsrep_provider after validation (edited on the host).
            let file = lab.optionFile("n2")
            let text = try String(contentsOf: file, encoding: .utf8)
            try text.replacingOccurrences(of: "wsrep_provider=/usr/lib/galera/libgalera_smm.so\n", with: "").write(to: file, atomically: true, encoding: .utf8)
            try Self.apply(lab, lab.config())
            for node in lab.names { try await lab.nodes.start(node) }
            try await eventually("n2 to report why it cannot start", timeout: .seconds(60), every: .milliseconds(250)) {
                let message = try await lab.view(store).status["n2"]?["db"]?.message ?? ""
                return message.contains(file.path) && message.contains("wsrep_provider")
            }
            let events = try await RealAgentTests.cliOutput(lab, ["events", "--limit", "200"])
            #expect(events.contains(file.path), "\(events)")
            // The others wait for n2's position: nobody bootstraps, no server runs.
            let until = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < until {
                let view = try await lab.view(store)
                #expect(view.galeraBootstrap["db"] == nil)
                for node in lab.names {
                    #expect(lab.nodes.childPIDs(of: node, containing: "mariadbd").isEmpty, "\(node) runs mariadbd")
                    #expect(view.status[node]?["db"]?.state != .started)
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// The writer stops being Synced (desynced by hand, as a backup tool does): another node
    /// becomes the writer, and no two nodes ever answer `?role=writer` with 200 at once.
    @Test func aWriterThatLeavesSyncedIsReplacedWithoutTwoWritersAtOnce() async throws {
        try await Self.withLab("galerawriter") { lab, store in
            try Self.apply(lab, lab.config())
            for node in lab.names { try await lab.nodes.start(node) }
            try await eventually("three Synced nodes", timeout: .seconds(120), every: .milliseconds(500)) { try await lab.synced(store).count == 3 }
            let first = try #require(try await lab.view(store).galeraWriter["db"]?.record.node)
            let overlap = ProcessTable.Peak()
            let sampled = ProcessTable.Peak()
            let ports = lab.nodes.apiPorts
            let sampling = Task {
                var samples = 0
                while !Task.isCancelled {
                    let writers = lab.names.filter { httpStatus(port: ports[$0] ?? 0, path: "/health/db?role=writer") == 200 }
                    overlap.see(writers.count)
                    samples += 1
                    sampled.see(samples)
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            defer { sampling.cancel() }
            try await eventually("the writer's endpoint to answer 200", timeout: .seconds(10)) {
                httpStatus(port: ports[first] ?? 0, path: "/health/db?role=writer") == 200
            }
            if case .failure(let error) = await lab.sql(first, "SET GLOBAL wsrep_desync=ON") { throw TestFailure("desync: \(error)") }
            try await eventually("another writer", timeout: .seconds(30), every: .milliseconds(100)) {
                let writer = try await lab.view(store).galeraWriter["db"]?.record.node
                guard let writer, writer != first else { return false }
                return httpStatus(port: ports[writer] ?? 0, path: "/health/db?role=writer") == 200
            }
            #expect(httpStatus(port: ports[first] ?? 0, path: "/health/db?role=writer") == 503)
            #expect(httpStatus(port: ports[first] ?? 0, path: "/health/db") == 503, "a desynced node is not Synced")
            #expect(httpStatus(port: ports[first] ?? 0, path: "/health/db?role=reader") == 503, "a donor reads only with accept-donor")
            // Back in sync it does not take the role back: the choice is sticky.
            if case .failure(let error) = await lab.sql(first, "SET GLOBAL wsrep_desync=OFF") { throw TestFailure("resync: \(error)") }
            try await eventually("the old writer Synced again", timeout: .seconds(30)) { try await lab.synced(store).count == 3 }
            try await Task.sleep(for: .seconds(2))
            #expect(try await lab.view(store).galeraWriter["db"]?.record.node != first)
            sampling.cancel()
            await sampling.value
            #expect(overlap.most <= 1, "two nodes answered ?role=writer with 200 at once")
            #expect(sampled.most > 50)
        }
    }

    /// Only a reader's mariadbd dies (its agent lives): the agent counts the failure,
    /// recovers the position, waits for the eviction and restarts it locally by IST.
    @Test func aCrashedServerIsRestartedLocallyWithAFailcountAndRejoinsByIST() async throws {
        try await Self.withLab("galeracrash") { lab, store in
            let client = try await Self.formCluster(lab, store)
            let writing = Task { await client.run() }
            defer { writing.cancel() }
            try await eventually("writes acknowledged", timeout: .seconds(20)) { client.acknowledged.count > 50 }
            let writer = try #require(try await lab.view(store).galeraWriter["db"]?.record.node)
            let reader = try #require(lab.names.first { $0 != writer })
            let servers = lab.nodes.childPIDs(of: reader, containing: "/usr/sbin/mariadbd")
            #expect(servers.count == 1, "\(servers)")
            let offset = lab.errorLog(reader).utf8.count
            for pid in servers { kill(pid, SIGKILL) }
            try await eventually("the failure counted", timeout: .seconds(20), every: .milliseconds(100)) {
                (try await lab.view(store).failcounts["db"]?[reader]?.count ?? 0) >= 1
            }
            // The reader's status says Synced until its agent has seen the crash: "Synced
            // again" needs a new server that logged its own sync (CI saw the old status pass).
            try await eventually("\(reader) Synced again", timeout: .seconds(120), every: .milliseconds(250)) {
                let restarted = lab.nodes.childPIDs(of: reader, containing: "/usr/sbin/mariadbd").contains { !servers.contains($0) }
                let log = lab.errorLog(reader)
                let synced = String(decoding: log.utf8.dropFirst(offset), as: UTF8.self).contains("Synchronized with group")
                guard restarted && synced else { return false }
                return try await lab.synced(store).count == 3
            }
            let rejoin = String(lab.errorLog(reader).utf8.dropFirst(offset)) ?? ""
            #expect(rejoin.contains("IST received") || rejoin.contains("Receiving IST"), "rejoined by IST")
            #expect(lab.nodes.childPIDs(of: reader, containing: "/usr/sbin/mariadbd").count == 1)
            writing.cancel()
            await writing.value
            try await Self.expectNoLostWrite(lab, client)
        }
    }

    /// Cold start, then the schema, the client account and HAProxy; returns the client.
    static func formCluster(_ lab: GaleraLab, _ store: EtcdStore) async throws -> GaleraClient {
        try Self.apply(lab, lab.config())
        for node in lab.names { try await lab.nodes.start(node) }
        try await eventually("three Synced nodes", timeout: .seconds(120), every: .milliseconds(500)) { try await lab.synced(store).count == 3 }
        let writer = try #require(try await lab.view(store).galeraWriter["db"]?.record.node)
        for statement in [
            "CREATE DATABASE vt", "CREATE TABLE vt.t (id BIGINT PRIMARY KEY)",
            "CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY 'app-secret'", "GRANT ALL ON vt.* TO 'app'@'127.0.0.1'",
        ] {
            if case .failure(let error) = await lab.sql(writer, statement) { throw TestFailure("\(statement): \(error)") }
        }
        let passwordFile = lab.directory.appendingPathComponent("app.pass").path
        try "app-secret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        try lab.startHAProxy()
        try await eventually("HAProxy to see one writer UP", timeout: .seconds(20), every: .milliseconds(200)) {
            try await lab.haproxyStatus("galera-writer").values.filter { $0 == "UP" }.count == 1
        }
        return GaleraClient(connection: MySQLConnection(host: "127.0.0.1", port: lab.writerPort, user: "app", passwordFile: passwordFile))
    }

    /// Every acknowledged id is on every node.
    static func expectNoLostWrite(_ lab: GaleraLab, _ client: GaleraClient) async throws {
        let acknowledged = Set(client.acknowledged)
        #expect(!acknowledged.isEmpty)
        for node in lab.names {
            guard case .success(let rows) = await lab.sql(node, "SELECT id FROM vt.t", timeout: .seconds(20)) else {
                Issue.record("\(node) does not answer")
                continue
            }
            let present = Set(rows.compactMap { $0.first.flatMap { $0 }.flatMap { Int64($0) } })
            let missing = acknowledged.subtracting(present)
            #expect(missing.isEmpty, "\(node) lacks \(missing.count) acknowledged writes: \(missing.sorted().prefix(20))")
        }
    }

    @Test func aReaderThenTheWriterKilledUnderWritesLoseNothingAndRejoinByIST() async throws {
        try await Self.withLab("galerakill") { lab, store in
            let client = try await Self.formCluster(lab, store)
            let writing = Task { await client.run() }
            defer { writing.cancel() }
            try await eventually("writes acknowledged", timeout: .seconds(20)) { client.acknowledged.count > 50 }

            // A reader dies with its agent (the whole node): the others stay Primary.
            let firstWriter = try #require(try await lab.view(store).galeraWriter["db"]?.record.node)
            let reader = try #require(lab.names.first { $0 != firstWriter })
            let readerKilled = ContinuousClock.now
            try await lab.nodes.killNode(reader)
            try await eventually("the survivors to evict \(reader)", timeout: .seconds(30), every: .milliseconds(200)) {
                let view = try await lab.view(store)
                return lab.names.filter { $0 != reader }.allSatisfy { view.status[$0]?["db"]?.galera?.size == 2 && view.status[$0]?["db"]?.galera?.primary == true }
            }
            let countAfterReader = client.acknowledged.count
            try await eventually("writes to go on", timeout: .seconds(20)) { client.acknowledged.count > countAfterReader + 20 }
            let readerOutage = client.outage(after: readerKilled)?.duration
            try await lab.waitGone(store, [reader])
            try await lab.nodes.start(reader)
            try await eventually("\(reader) back, Synced", timeout: .seconds(120), every: .milliseconds(500)) { try await lab.synced(store).count == 3 }
            #expect(lab.errorLog(reader).contains("IST received") || lab.errorLog(reader).contains("Receiving IST"), "\(reader) rejoined by IST")

            // The writer dies: a new writer takes the writes.
            let writer = try #require(try await lab.view(store).galeraWriter["db"]?.record.node)
            let writerKilled = ContinuousClock.now
            try await lab.nodes.killNode(writer)
            let countAtKill = client.acknowledged.count
            try await eventually("writes accepted again through HAProxy", timeout: .seconds(30), every: .milliseconds(50)) {
                client.acknowledged.count > countAtKill + 5
            }
            let newWriter = try await lab.view(store).galeraWriter["db"]?.record.node
            #expect(newWriter != nil && newWriter != writer)
            let writerOutage = client.outage(after: writerKilled)?.duration
            try await lab.waitGone(store, [writer])
            try await lab.nodes.start(writer)
            try await eventually("\(writer) back, Synced", timeout: .seconds(120), every: .milliseconds(500)) { try await lab.synced(store).count == 3 }
            writing.cancel()
            await writing.value
            print("galera kills: reader \(reader) outage \(readerOutage.map { "\($0)" } ?? "none"), writer \(writer) outage \(writerOutage.map { "\($0)" } ?? "none"), \(client.acknowledged.count) writes acknowledged")
            try await Self.expectNoLostWrite(lab, client)
        }
    }

    /// Kills every node at once: SIGKILL to all three namespaces before waiting for any.
    static func powerLoss(_ lab: GaleraLab) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in lab.names { group.addTask { try await lab.nodes.killNode(node) } }
            try await group.waitForAll()
        }
    }

    @Test func powerLossThenAllAgentsRestartedBootstrapsTheMostAdvancedNode() async throws {
        try await Self.withLab("galerapower") { lab, store in
            let client = try await Self.formCluster(lab, store)
            let writing = Task { await client.run() }
            defer { writing.cancel() }
            try await eventually("writes acknowledged", timeout: .seconds(20)) { client.acknowledged.count > 200 }
            try await Self.powerLoss(lab)
            writing.cancel()
            await writing.value
            // The machines come back after their member keys expired (a reboot takes longer).
            try await eventually("the old members to expire", timeout: .seconds(20), every: .milliseconds(100)) {
                try await lab.view(store).members.isEmpty
            }
            let restarted = ContinuousClock.now
            for node in lab.names { try await lab.nodes.start(node) }
            try await eventually("three Synced nodes again", timeout: .seconds(120), every: .milliseconds(250)) { try await lab.synced(store).count == 3 }
            print("galera power loss: 3 Synced \(ContinuousClock.now - restarted) after the agents restarted")
            let events = try await RealAgentTests.cliOutput(lab, ["events", "--limit", "200"])
            #expect(events.contains("chosen to bootstrap"), "\(events)")
            try await Self.expectNoLostWrite(lab, client)
        }
    }

    @Test func aStaleNodeNeverBootstrapsAndJoinsOnceTheOthersReturn() async throws {
        try await Self.withLab("galerastale") { lab, store in
            let client = try await Self.formCluster(lab, store)
            // n1 leaves cleanly (its agent stops it) while writes go on through n2 and n3.
            try await lab.nodes.stopGracefully("n1")
            let writing = Task { await client.run() }
            defer { writing.cancel() }
            try await eventually("writes acknowledged without n1", timeout: .seconds(30)) { client.acknowledged.count > 200 }
            writing.cancel()
            await writing.value
            try await lab.nodes.killNode("n2")
            try await lab.nodes.killNode("n3")
            // Only n1 comes back: it holds less than n2 and n3 and must neither bootstrap
            // nor open to clients, for as long as they are away.
            try await lab.nodes.start("n1")
            try await eventually("n1 to publish its recovered position", timeout: .seconds(60), every: .milliseconds(250)) {
                try await lab.view(store).galeraPositions["db"]?["n1"]?.record.running == false
            }
            let waitUntil = ContinuousClock.now + .seconds(12)
            while ContinuousClock.now < waitUntil {
                let view = try await lab.view(store)
                #expect(view.status["n1"]?["db"]?.state == .stopped, "n1 must stay stopped")
                #expect(view.galeraBootstrap["db"] == nil, "nobody may be chosen to bootstrap")
                if case .success = await lab.sql("n1", "SELECT 1", timeout: .seconds(1)) { Issue.record("n1 answers SQL while the others are away") }
                try await Task.sleep(for: .milliseconds(500))
            }
            let waiting = try await lab.view(store).status["n1"]?["db"]?.message ?? ""
            #expect(waiting.contains("waiting"), "\(waiting)")
            try await lab.nodes.start("n2")
            try await lab.nodes.start("n3")
            try await eventually("three Synced nodes", timeout: .seconds(120), every: .milliseconds(250)) { try await lab.synced(store).count == 3 }
            let events = try await RealAgentTests.cliOutput(lab, ["events", "--limit", "200"])
            let chosen = events.split(separator: "\n").last { $0.contains("chosen to bootstrap") }.map(String.init) ?? ""
            #expect(!chosen.contains("n1 chosen"), "\(chosen)")
            try await Self.expectNoLostWrite(lab, client)
        }
    }

    /// The operator's override, waited for (issue 16): after a power loss only n1 comes
    /// back and waits for the others' positions; `vigil galera bootstrap n1 --force --wait`
    /// makes it form a new cluster and ends with one line once it is Synced.
    @Test func aForcedBootstrapIsWaitedForAndEndsWithOneLine() async throws {
        try await Self.withLab("galeraforce") { lab, store in
            _ = try await Self.formCluster(lab, store)
            try await Self.powerLoss(lab)
            try await eventually("the old members to expire", timeout: .seconds(20), every: .milliseconds(100)) {
                try await lab.view(store).members.isEmpty
            }
            try await lab.nodes.start("n1")
            try await eventually("n1 to wait for the others", timeout: .seconds(60), every: .milliseconds(250)) {
                let status = try await lab.view(store).status["n1"]?["db"]
                return status?.state == .stopped && (status?.message ?? "").contains("waiting")
            }
            let result = try VigilBinary.run(
                ["galera", "bootstrap", "n1", "--force", "--reason", "test: n2 and n3 are gone", "--wait", "--timeout", "120",
                 "--etcd", lab.nodes.endpoints.joined(separator: ","), "--cluster", lab.cluster],
                in: lab.directory, timeout: 150)
            #expect(result.status == 0, "\(result.stderr)")
            let outcome = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
            #expect(outcome.hasPrefix("db: n1 bootstrapped a new cluster in ") && outcome.hasSuffix(": db on n1"), "\(result.stdout)")
            // Not a terminal: what was left, one line per change, on standard error.
            #expect(result.stderr.contains("] n1: "), "\(result.stderr)")
            #expect(try await lab.synced(store) == ["n1"])
        }
    }

    @Test func twoOfThreeKilledTheSurvivorIsMadePrimaryAndTheOthersRejoin() async throws {
        try await Self.withLab("galeratwo") { lab, store in
            let client = try await Self.formCluster(lab, store)
            let writing = Task { await client.run() }
            defer { writing.cancel() }
            try await eventually("writes acknowledged", timeout: .seconds(20)) { client.acknowledged.count > 100 }
            let victims = ["n1", "n2"]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for node in victims { group.addTask { try await lab.nodes.killNode(node) } }
                try await group.waitForAll()
            }
            let killed = ContinuousClock.now
            let count = client.acknowledged.count
            try await eventually("writes accepted again on n3 alone", timeout: .seconds(60), every: .milliseconds(100)) {
                client.acknowledged.count > count + 20
            }
            print("galera two of three killed: writes again after \(ContinuousClock.now - killed)")
            let events = try await RealAgentTests.cliOutput(lab, ["events", "--limit", "200"])
            #expect(events.contains("pc.bootstrap"), "\(events)")
            try await lab.waitGone(store, victims)
            for node in victims { try await lab.nodes.start(node) }
            try await eventually("three Synced nodes", timeout: .seconds(120), every: .milliseconds(250)) { try await lab.synced(store).count == 3 }
            writing.cancel()
            await writing.value
            try await Self.expectNoLostWrite(lab, client)
        }
    }

    @Test func aCleanFullShutdownRestartsFromTheLastNodeOut() async throws {
        try await Self.withLab("galeraclean") { lab, store in
            let client = try await Self.formCluster(lab, store)
            let writing = Task { await client.run() }
            try await eventually("writes acknowledged", timeout: .seconds(20)) { client.acknowledged.count > 100 }
            writing.cancel()
            await writing.value
            for node in lab.names { try await lab.nodes.stopGracefully(node) }
            let safe = lab.names.filter {
                ((try? String(contentsOfFile: lab.datadir($0) + "/grastate.dat", encoding: .utf8)) ?? "").contains("safe_to_bootstrap: 1")
            }
            #expect(safe == ["n3"], "only the last node out is safe to bootstrap: \(safe)")
            for node in lab.names { try await lab.nodes.start(node) }
            try await eventually("three Synced nodes", timeout: .seconds(120), every: .milliseconds(250)) { try await lab.synced(store).count == 3 }
            let events = try await RealAgentTests.cliOutput(lab, ["events", "--limit", "200"])
            let chosen = events.split(separator: "\n").last { $0.contains("chosen to bootstrap") }.map(String.init) ?? ""
            #expect(chosen.contains("n3 chosen"), "\(chosen)")
            try await Self.expectNoLostWrite(lab, client)
        }
    }
}

extension RealAgentTests {
    /// `vigil ARGS --etcd … --cluster …` against the lab; its standard output.
    static func cliOutput(_ lab: GaleraLab, _ arguments: [String]) async throws -> String {
        let result = try VigilBinary.run(
            arguments + ["--etcd", lab.nodes.endpoints.joined(separator: ","), "--cluster", lab.cluster], in: lab.directory)
        guard result.status == 0 else { throw TestFailure("vigil \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.stdout
    }
}
