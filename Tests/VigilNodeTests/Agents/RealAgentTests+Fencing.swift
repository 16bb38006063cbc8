import Foundation
import Glibc
import Testing
import VigilNode
import VigilCluster
import VigilStore

extension RealAgentTests {
    /// `fencing: devices` with real processes: the agent holding the service hangs
    /// (SIGSTOP: it can neither renew its lease nor self-fence, while the service it started
    /// keeps running). The coordinator must power the node off through its fence device —
    /// `fence_vigiltest`, found through `--fence-agent-path`, driving the test power switch
    /// over TCP — and only then start the service elsewhere. The rebooted node rejoins and is
    /// not fenced again.
    @Test func aHungNodeIsFencedThroughItsFenceDeviceBeforeItsServiceMoves() async throws {
        let powerSwitch = try await PowerSwitch.start()
        defer { powerSwitch.stop() }
        try await Self.withHarness("fence", etcd: try EtcdFixture.current(), fenceSwitchPort: powerSwitch.port) { harness, store in
            let client = ClusterClient(store: store, keyspace: harness.keyspace, actor: "test")
            let first = try await Self.servingFrom(harness, store)
            for node in ["n1", "n2", "n3"] {
                try powerSwitch.plug(node, to: try #require(harness.nodes.agentPID(node)))
            }
            let agent = try #require(harness.nodes.agentPID(first))
            let web = try #require(Self.webPID(harness, on: first))
            let clock = ContinuousClock()
            let start = clock.now
            #expect(kill(agent, SIGSTOP) == 0)

            try await eventually("\(first) to be fenced", timeout: .seconds(30)) {
                try await client.events(limit: nil).contains { $0.kind == "fenced" && $0.message.contains(first) }
            }
            let fencedAfter = clock.now - start
            let requests = powerSwitch.requests()
            #expect(requests.map(\.action) == ["reboot"], "\(requests)")
            #expect(requests.map(\.plug) == [first])
            // The whole node is gone: the hung agent and the service it had started.
            #expect(!Self.processExists(agent))
            #expect(!Self.processExists(web))
            #expect(try await Self.view(harness, store).nodeDown[first]?.reason == .fenced)

            let second = try await Self.servingFrom(harness, store)
            #expect(second != first)
            // The new instance was started only after the fence (never two at once).
            let events = try await client.events(limit: nil)
            let fenced = try #require(events.firstIndex { $0.kind == "fenced" })
            let restarted = try #require(events.lastIndex { $0.kind == "started" && $0.resource == "web" && $0.node == second })
            #expect(fenced < restarted, "\(events.map { "\($0.node) \($0.kind) \($0.resource ?? "")" })")
            let status = try await client.status()
            #expect(status.nodes[first]?.unclean == false)

            // The node "reboots": its agent starts again, rejoins with a new incarnation and
            // is not fenced again; the service stays where it is.
            try await harness.nodes.start(first)
            try await eventually("\(first) to rejoin", timeout: .seconds(20)) {
                try await Self.view(harness, store).members[first] != nil
            }
            try await eventually("\(first) to report its resources", timeout: .seconds(20)) {
                try await Self.view(harness, store).status[first] != nil
            }
            #expect(try await Self.servingFrom(harness, store) == second)
            #expect(powerSwitch.requests().count == 1)
            print("hung node \(first) fenced after \(fencedAfter); serving again from \(second)")
        }
    }

    /// Whether a host PID names a live (not zombie) process.
    static func processExists(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let state = stat.split(separator: ")").last?.split(separator: " ").first
        else { return false }
        return state != "Z" && state != "X"
    }
}
