import Foundation
import Testing
import VigilAgents

/// A TCP server on ip:port (bound before the address exists, IP_FREEBIND) answering
/// every connection with `reply`, run inside a namespace.
private func replyServer(_ namespace: String, ip: String, port: Int, reply: String) -> ProcessSpec {
    let script = """
        import socket
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_IP, 15, 1)  # IP_FREEBIND
        s.bind(("\(ip)", \(port)))
        s.listen(64)
        while True:
            c, _ = s.accept()
            c.sendall(b"\(reply)")
            c.close()
        """
    return ProcessSpec(name: "server-\(reply)", command: ["ip", "netns", "exec", namespace, "/usr/bin/python3", "-c", script])
}

/// From the client namespace: connects to ip:port every 10 ms; creates `marker` once it
/// has read "A"; on reading "B" prints CLOCK_MONOTONIC seconds and exits 0; exits 1
/// after `deadline` seconds.
private func clientScript(ip: String, port: Int, marker: String, deadline: Double) -> String {
    """
    import socket, sys, time
    start = time.monotonic()
    marked = False
    while time.monotonic() - start < \(deadline):
        try:
            c = socket.create_connection(("\(ip)", \(port)), timeout=0.05)
            data = c.recv(16)
            c.close()
            if data == b"A" and not marked:
                open("\(marker)", "w").close()
                marked = True
            if data == b"B":
                print("%.6f" % time.monotonic())
                sys.exit(0)
        except OSError:
            pass
        time.sleep(0.01)
    sys.exit(1)
    """
}

/// Waits until something listens on TCP `port` inside `namespace` (`ss` there).
private func waitForListener(_ namespace: String, port: Int, within deadline: Duration = .seconds(30)) async -> Bool {
    await eventually(within: deadline) {
        let listening = try? await sh(["ip", "netns", "exec", namespace, "ss", "-Hltn", "sport = :\(port)"])
        return listening?.contains(":\(port)") == true
    }
}

/// CLOCK_MONOTONIC in seconds (the clock of Python's time.monotonic()).
private func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

@Suite("virtual IPs in network namespaces", .serialized)
struct NetworkTests {
    @Test("vip: the client reaches the VIP on A, then on B within 1 s of the move")
    func vipMove() async throws {
        var lab = try await NetworkLab(tag: "v", subnet: 10)
        var servers: [ProcessExecutor] = []
        func cleanUp() async {
            for server in servers { _ = await server.perform(ActionRequest(.stop, timeout: .seconds(2))) }
            await lab.destroy()
        }
        do {
            let a = try await lab.addHost("a", index: 1)
            let b = try await lab.addHost("b", index: 2)
            let client = try await lab.addHost("c", index: 3)
            let vip = "198.18.10.100"
            servers = [
                ProcessExecutor(spec: replyServer(a, ip: vip, port: 7000, reply: "A")),
                ProcessExecutor(spec: replyServer(b, ip: vip, port: 7000, reply: "B")),
            ]
            for server in servers { #expect(await server.perform(ActionRequest(.start)).code == .success) }
            // Both servers listen before anything is timed: the client's first answer proves
            // A's server is up, not B's, and a Python started from a cold disk (a fresh
            // machine) can take seconds, which would be counted as the move's delay.
            #expect(await waitForListener(a, port: 7000), "the server in A does not listen")
            #expect(await waitForListener(b, port: 7000), "the server in B does not listen")
            let onA = VIPExecutor(spec: VIPSpec(name: "vip", ip: vip, cidr: 24, interface: "eth0", namespace: a))
            let onB = VIPExecutor(spec: VIPSpec(name: "vip", ip: vip, cidr: 24, interface: "eth0", namespace: b))
            #expect(await onA.perform(ActionRequest(.monitor)).code == .notRunning)
            #expect(await onA.perform(ActionRequest(.start)).code == .success)
            #expect(await onA.perform(ActionRequest(.monitor)).code == .success)
            #expect(await onA.perform(ActionRequest(.start)).code == .success)
            // The client keeps connecting; it reaches the VIP on A first (caching A's MAC).
            let dir = try TempDir()
            defer { dir.remove() }
            let marker = dir.file("reached-a")
            async let reachedB = sh(
                ["ip", "netns", "exec", client, "/usr/bin/python3", "-c", clientScript(ip: vip, port: 7000, marker: marker, deadline: 40)],
                timeout: .seconds(50))
            #expect(await eventually { FileManager.default.fileExists(atPath: marker) })
            // The move: stop on A, start on B.
            let moveStarted = monotonicSeconds()
            #expect(await onA.perform(ActionRequest(.stop)).code == .success)
            let startOnB = await onB.perform(ActionRequest(.start))
            #expect(startOnB.code == .success, "\(startOnB.output)")
            let moveDone = monotonicSeconds()
            let reachedAt = try #require(Double(try await reachedB.trimmingCharacters(in: .whitespacesAndNewlines)))
            let delay = reachedAt - moveStarted
            #expect(delay < 1.0, "client reached B \(delay) s after the move began (the move itself took \(moveDone - moveStarted) s; start on B: \(startOnB.output))")
            #expect(await onA.perform(ActionRequest(.monitor)).code == .notRunning)
            #expect(await onB.perform(ActionRequest(.monitor)).code == .success)
            #expect(await onB.perform(ActionRequest(.stop)).code == .success)
            #expect(await onB.perform(ActionRequest(.stop)).code == .success)
            for server in servers { #expect(await server.perform(ActionRequest(.stop, timeout: .seconds(2))).code == .success) }
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }

    @Test("vip: IPv6 add, monitor, remove; invalid input is not configured")
    func vipIPv6AndValidation() async throws {
        var lab = try await NetworkLab(tag: "6", subnet: 11)
        do {
            let a = try await lab.addHost("a", index: 1)
            let v6 = VIPExecutor(spec: VIPSpec(name: "v6", ip: "2001:db8::10", cidr: 64, interface: "eth0", namespace: a))
            #expect(await v6.perform(ActionRequest(.start)).code == .success)
            #expect(await v6.perform(ActionRequest(.monitor)).code == .success)
            #expect(try await sh(["ip", "-n", a, "-6", "addr", "show", "dev", "eth0"]).contains("2001:db8::10/64"))
            #expect(await v6.perform(ActionRequest(.stop)).code == .success)
            #expect(await v6.perform(ActionRequest(.monitor)).code == .notRunning)
            let bad = VIPExecutor(spec: VIPSpec(name: "bad", ip: "198.18.0.1; reboot", cidr: 24, interface: "eth0", namespace: a))
            #expect(await bad.perform(ActionRequest(.start)).code == .notConfigured)
            let badInterface = VIPExecutor(spec: VIPSpec(name: "bad", ip: "198.18.11.9", cidr: 24, interface: "-h", namespace: a))
            #expect(await badInterface.perform(ActionRequest(.start)).code == .notConfigured)
            let noInterface = VIPExecutor(spec: VIPSpec(name: "none", ip: "198.18.11.9", cidr: 24, interface: "eth9", namespace: a))
            #expect(await noInterface.perform(ActionRequest(.start)).code == .notConfigured)
        } catch {
            await lab.destroy()
            throw error
        }
        await lab.destroy()
    }

    @Test("ocf:heartbeat:IPaddr2 in a test network namespace")
    func ipaddr2() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var lab = try await NetworkLab(tag: "i", subnet: 12)
        do {
            let a = try await lab.addHost("a", index: 1)
            var spec = try OCFAgentSpec(
                instance: "vip", agent: "ocf:heartbeat:IPaddr2", parameters: ["ip": "198.18.12.50", "cidr_netmask": "24", "nic": "eth0"])
            spec.namespace = a
            spec.environment = ["HA_RSCTMP": dir.path]
            let agent = try OCFExecutor(spec: spec, runtimeDirectory: dir.file("run"))
            #expect(await agent.perform(ActionRequest(.monitor)).code == .notRunning)
            let start = await agent.perform(ActionRequest(.start))
            #expect(start.code == .success, "\(start.output)")
            #expect(await agent.perform(ActionRequest(.monitor, interval: .seconds(10))).code == .success)
            #expect(try await sh(["ip", "-n", a, "addr", "show", "dev", "eth0"]).contains("198.18.12.50/24"))
            #expect(await agent.perform(ActionRequest(.stop)).code == .success)
            #expect(await agent.perform(ActionRequest(.monitor)).code == .notRunning)
            #expect(try await !sh(["ip", "-n", a, "addr", "show", "dev", "eth0"]).contains("198.18.12.50"))
        } catch {
            await lab.destroy()
            throw error
        }
        await lab.destroy()
    }
}
