import Foundation
import Testing
import VigilModel

/// `ocf:pacemaker:ping`, unchanged from Debian's pacemaker-resource-agents, as a clone on
/// three hosts in network namespaces (issue 15): each instance pings the "uplink" (the lab's
/// client namespace) and publishes `pingd` with `attrd_updater` — Vigil's, through the local
/// agent — and a location rule on `pingd` keeps the service off a host without an uplink,
/// as the hacluster charm's `monitor_host` does. The uplink is taken from the service's
/// host (a blackhole route in its namespace): the service moves. It is given back: the
/// service stays where it went (stickiness), and the host's `pingd` is back.
@Suite("Real hosts: ocf:pacemaker:ping and a rule on pingd", .serialized)
struct PingAttributeTests {
    static let subnet = 63
    static var uplink: String { "198.18.\(subnet).100" }

    /// Each host's own pidfile (the agent's state file; by default `/var/run/ping-pingd`,
    /// which the lab's hosts would share, and which a killed run would leave behind).
    static func config(cluster: String, directory: URL, web: String = "started") -> String {
        let params = "host_list: \"\(uplink)\", multiplier: \"1000\", dampen: 1s, attempts: \"1\", timeout: \"1\""
        let nodeParams = ["n1", "n2", "n3"].map { node in
            "      \(node): {\(params), pidfile: \(directory.appendingPathComponent("ping-\(node).state").path)}"
        }.joined(separator: "\n")
        return """
        cluster:
          name: \(cluster)
          node-loss-timeout: 3s
          stickiness: 100
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - name: ping
            agent: ocf:pacemaker:ping
            clone: {}
            params: {\(params)}
            node-params:
        \(nodeParams)
            monitor: {interval: 1s, timeout: 10s}
          - name: web
            agent: process
            target-role: \(web)
            params: {command: [/bin/sleep, "100000"]}
            monitor: {interval: 1s, timeout: 5s}
        constraints:
          - location: {resource: web, node: n1, score: 50}
          - location: {resource: web, rule: "not_defined pingd or pingd lte 0", score: -INFINITY}
        """
    }

    static func status(_ lab: HostLab) -> [String: Any]? {
        guard let text = try? lab.vigil(["status", "--json"]) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    /// The nodes where `web` is started, and each node's `pingd` as `vigil status` shows it.
    static func snapshot(_ lab: HostLab) -> (holders: [String], pingd: [String: String]) {
        guard let status = status(lab) else { return ([], [:]) }
        let web = (status["resources"] as? [String: Any])?["web"] as? [String: String] ?? [:]
        let nodes = status["nodes"] as? [String: [String: Any]] ?? [:]
        var pingd: [String: String] = [:]
        for (name, node) in nodes {
            if let value = (node["attributes"] as? [String: String])?["pingd"] { pingd[name] = value }
        }
        return (web.filter { $0.value == "started" }.keys.sorted(), pingd)
    }

    @Test func theServiceLeavesAHostThatLostItsUplinkAndStaysAwayWhenItReturns() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-ping-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = try HostLab(subnet: Self.subnet, cluster: "ping", directory: directory)
        do {
            try lab.build(hosts: 3)
            for host in lab.hosts { try lab.startEtcd(host.name) }
            try await eventually("etcd healthy", timeout: .seconds(60), every: .milliseconds(200)) {
                (try? lab.runClient(["/usr/bin/etcdctl", "--endpoints", lab.endpoints.joined(separator: ","), "endpoint", "health"])) != nil
            }
            // web starts once every host has published pingd: placed on the first host to
            // publish it, it would stay there (stickiness 100 beats n1's 50) whichever host
            // that happened to be.
            let file = directory.appendingPathComponent("cluster.yaml")
            try Self.config(cluster: "ping", directory: lab.directory, web: "stopped").write(to: file, atomically: true, encoding: .utf8)
            try lab.vigil(["config", "apply", file.path])
            for host in lab.hosts { try lab.startAgent(host.name) }
            try await eventually("pingd 1000 everywhere", timeout: .seconds(60), every: .milliseconds(200)) {
                Self.snapshot(lab).pingd == ["n1": "1000", "n2": "1000", "n3": "1000"]
            }
            try Self.config(cluster: "ping", directory: lab.directory).write(to: file, atomically: true, encoding: .utf8)
            try lab.vigil(["config", "apply", file.path])

            try await eventually("web on n1 and pingd 1000 everywhere", timeout: .seconds(90), every: .milliseconds(200)) {
                let now = Self.snapshot(lab)
                return now.holders == ["n1"] && now.pingd == ["n1": "1000", "n2": "1000", "n3": "1000"]
            }
            // pingd is n1's transient attribute, written by its agent for the ping instance.
            let list = try lab.vigil(["node", "attribute", "list", "n1"])
            #expect(list.contains("pingd=1000 (transient)"), "\(list)")

            let clock = ContinuousClock()
            let cut = clock.now
            _ = try lab.runOn("n1", ["ip", "route", "add", "blackhole", "\(Self.uplink)/32"])
            var moved: [String] = []
            try await eventually("web to leave n1", timeout: .seconds(60), every: .milliseconds(100)) {
                let now = Self.snapshot(lab)
                moved = now.holders
                return now.pingd["n1"] == "0" && now.holders.count == 1 && now.holders != ["n1"]
            }
            print("ping: uplink cut on n1 → web started on \(moved[0]) after \(clock.now - cut) (ping monitor 1 s, dampen 1 s)")
            #expect(try lab.vigil(["node", "attribute", "get", "n1", "pingd"]) == "0\n")

            _ = try lab.runOn("n1", ["ip", "route", "del", "blackhole", "\(Self.uplink)/32"])
            try await eventually("pingd 1000 on n1 again", timeout: .seconds(60), every: .milliseconds(100)) {
                Self.snapshot(lab).pingd["n1"] == "1000"
            }
            // n1 is preferred (50) but web's stickiness (100) keeps it where it runs: for
            // the next 5 s it must stay there.
            let back = clock.now
            while clock.now - back < .seconds(5) {
                let holders = Self.snapshot(lab).holders
                #expect(holders == moved, "web must stay on \(moved) once n1's uplink is back, not \(holders)")
                if holders != moved { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            let log = lab.agentLog("n1")
            #expect(!log.contains("attribute not written"), "\(log.suffix(2000))")
        } catch {
            let logs = lab.hosts.map { "--- \($0.name)\n" + lab.agentLog($0.name).split(separator: "\n").suffix(30).joined(separator: "\n") }
            await lab.destroy()
            throw TestFailure("\(error)\n\(logs.joined(separator: "\n"))")
        }
        await lab.destroy()
    }
}
