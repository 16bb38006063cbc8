import Foundation
import Glibc
import Logging
import VigilStore

/// Real etcd members (`/usr/bin/etcd`) on 127.0.0.1 with free ports and their own data
/// directories under one temporary directory; stopped by PID and removed by ``stop()``.
actor EtcdCluster {
    struct Member {
        var name: String
        var clientPort: Int
        var peerPort: Int
        var process: Process?
    }

    static let etcdPath = "/usr/bin/etcd"
    /// Heartbeat 50 ms, election 500 ms: the minimum lease TTL is 1 s.
    /// Fast elections, and progress notifications on idle watches every second (what
    /// `EtcdConfiguration.watchIdleTimeout` expects).
    static let timing = [
        "--heartbeat-interval", "50", "--election-timeout", "500", "--experimental-watch-progress-notify-interval", "1s",
    ]

    let directory: URL
    let extraArguments: [String]
    /// TLS for the client URLs (server certificate/key and CA; clients must present a
    /// certificate signed by the CA); nil for plain HTTP.
    let serverTLS: ServerTLS?
    /// What the harness itself uses to reach TLS members.
    let clientTLS: EtcdTLSConfiguration?

    /// etcd's server-side TLS files.
    struct ServerTLS: Sendable {
        var certificateFile: String
        var keyFile: String
        var caFile: String
    }
    private(set) var members: [Member]
    private let token = "vigil-test-\(UUID().uuidString.prefix(8))"

    /// Starts `count` members and waits until each answers.
    static func start(
        members count: Int, extraArguments: [String] = [], serverTLS: ServerTLS? = nil, clientTLS: EtcdTLSConfiguration? = nil
    ) async throws -> EtcdCluster {
        guard FileManager.default.isExecutableFile(atPath: etcdPath) else {
            throw TestFailure("\(etcdPath) is missing: install etcd-server (lab/debian-packages.txt)")
        }
        let cluster = try EtcdCluster(count: count, extraArguments: extraArguments, serverTLS: serverTLS, clientTLS: clientTLS)
        do {
            for index in 0..<count { try await cluster.launch(index) }
            for index in 0..<count { try await cluster.waitReady(index) }
        } catch {
            await cluster.stop()
            throw error
        }
        return cluster
    }

    /// Runs `body` with a started cluster and always stops it.
    static func with<T: Sendable>(
        members count: Int, extraArguments: [String] = [], serverTLS: ServerTLS? = nil, clientTLS: EtcdTLSConfiguration? = nil,
        _ body: (EtcdCluster) async throws -> T
    ) async throws -> T {
        let cluster = try await start(members: count, extraArguments: extraArguments, serverTLS: serverTLS, clientTLS: clientTLS)
        do {
            let result = try await body(cluster)
            await cluster.stop()
            return result
        } catch {
            await cluster.stop()
            throw error
        }
    }

    private init(count: Int, extraArguments: [String], serverTLS: ServerTLS?, clientTLS: EtcdTLSConfiguration?) throws {
        self.serverTLS = serverTLS
        self.clientTLS = clientTLS
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-etcd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ports = try FreePorts.take(2 * count)
        members = (0..<count).map { Member(name: "m\($0)", clientPort: ports[2 * $0], peerPort: ports[2 * $0 + 1]) }
        self.extraArguments = extraArguments
    }

    /// Client URLs of every member, in order.
    var endpoints: [String] { members.indices.map(endpoint) }

    /// Client URL of one member.
    func endpoint(_ index: Int) -> String { "\(serverTLS == nil ? "http" : "https")://127.0.0.1:\(members[index].clientPort)" }

    private func launch(_ index: Int) throws {
        // A child starts in its spawning thread's network namespace: a thread some earlier
        // test left in a lab's namespace would put the member where nobody finds it.
        let thread = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self/ns/net")
        let processNamespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        guard thread == processNamespace else {
            throw TestFailure("this thread is in network namespace \(thread ?? "?"), the process in \(processNamespace ?? "?"): a test left it there")
        }
        let member = members[index]
        let initialCluster = members.map { "\($0.name)=http://127.0.0.1:\($0.peerPort)" }.joined(separator: ",")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.etcdPath)
        process.arguments = [
            "--name", member.name,
            "--data-dir", directory.appendingPathComponent(member.name).path,
            "--listen-client-urls", endpoint(index),
            "--advertise-client-urls", endpoint(index),
            "--listen-peer-urls", "http://127.0.0.1:\(member.peerPort)",
            "--initial-advertise-peer-urls", "http://127.0.0.1:\(member.peerPort)",
            "--initial-cluster", initialCluster,
            "--initial-cluster-token", token,
            "--initial-cluster-state", "new",
            "--logger", "zap", "--log-level", "warn",
        ] + Self.timing + extraArguments + (serverTLS.map {
            ["--cert-file", $0.certificateFile, "--key-file", $0.keyFile, "--trusted-ca-file", $0.caFile, "--client-cert-auth"]
        } ?? [])
        let logURL = directory.appendingPathComponent("\(member.name).log")
        if !FileManager.default.fileExists(atPath: logURL.path) {
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        members[index].process = process
    }

    /// Polls the member until it serves a linearizable read.
    func waitReady(_ index: Int, timeout: Duration = .seconds(60)) async throws {
        let configuration = EtcdConfiguration(endpoints: [endpoint(index)], requestTimeout: .milliseconds(500), tls: clientTLS)
        do {
            try await withEtcdStore(configuration, logger: Logger(label: "test.ready", factory: { _ in SwiftLogNoOpLogHandler() })) { store in
                try await eventually("etcd member \(index) to serve", timeout: timeout, every: .milliseconds(50)) {
                    guard self.isRunning(index) else { throw TestFailure("etcd member \(index) exited") }
                    _ = try await store.range(.key("/ready"))
                    return true
                }
            }
        } catch {
            // The data directory goes with stop(): what etcd said, and where its process is,
            // travel with the failure.
            throw TestFailure("\(error)\n\(diagnosis(index))")
        }
    }

    /// The member's process as /proc sees it (state, network namespace against ours) and
    /// the end of its log.
    func diagnosis(_ index: Int) -> String {
        var lines: [String] = []
        if let pid = members[index].process?.processIdentifier {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? "(no /proc entry)"
            let state = status.split(separator: "\n").first { $0.hasPrefix("State:") } ?? "State: unknown"
            let ours = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")) ?? "?"
            let its = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/net")) ?? "?"
            let listening = ((try? String(contentsOfFile: "/proc/\(pid)/net/tcp", encoding: .utf8)) ?? "")
                .contains(String(format: ":%04X 00000000:0000 0A", members[index].clientPort))
            lines.append("etcd member \(index): pid \(pid) \(state), netns \(its) (test: \(ours)), client port listening in its netns: \(listening)")
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("\(members[index].name).log"), encoding: .utf8)) ?? ""
        lines.append("its log (last 20 lines):")
        lines.append(contentsOf: log.split(separator: "\n").suffix(20).map { String($0.prefix(400)) })
        return lines.joined(separator: "\n")
    }

    /// Whether the member's process runs.
    func isRunning(_ index: Int) -> Bool { members[index].process?.isRunning ?? false }

    /// SIGKILLs one member (by PID) and waits for it to exit.
    func kill(_ index: Int) async throws {
        guard let process = members[index].process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        try await eventually("etcd member \(index) to exit", timeout: .seconds(10)) { !process.isRunning }
        members[index].process = nil
    }

    /// Freezes one member (SIGSTOP by PID): its connections stay open but nothing answers.
    func pause(_ index: Int) {
        if let process = members[index].process { Glibc.kill(process.processIdentifier, SIGSTOP) }
    }

    /// Thaws a member frozen by ``pause(_:)`` (SIGCONT by PID).
    func resume(_ index: Int) {
        if let process = members[index].process { Glibc.kill(process.processIdentifier, SIGCONT) }
    }

    /// Restarts a killed member on its data directory and waits until it serves.
    func restart(_ index: Int) async throws {
        try launch(index)
        try await waitReady(index)
    }

    /// Stops every member by PID (SIGTERM, then SIGKILL) and removes the directory.
    func stop() async {
        for index in members.indices {
            guard let process = members[index].process else { continue }
            let pid = process.processIdentifier
            if process.isRunning {
                Glibc.kill(pid, SIGCONT)
                Glibc.kill(pid, SIGTERM)
            }
            let deadline = ContinuousClock.now + .seconds(5)
            while process.isRunning && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
            if process.isRunning {
                Glibc.kill(pid, SIGKILL)
                process.waitUntilExit()
            }
            members[index].process = nil
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

extension EtcdCluster {
    /// The endpoint of the leader in `etcdctl endpoint status -w json` output (member ids
    /// exceed Int64 and are compared as text), nil when none leads.
    static func leaderEndpoint(statusJSON text: String) -> String? {
        for entry in text.components(separatedBy: "{\"Endpoint\":").dropFirst() {
            guard let endpoint = entry.split(separator: "\"").first.map(String.init),
                let member = entry.range(of: "\"member_id\":")?.upperBound,
                let leader = entry.range(of: "\"leader\":")?.upperBound,
                entry[member...].prefix(while: \.isNumber) == entry[leader...].prefix(while: \.isNumber)
            else { continue }
            return endpoint
        }
        return nil
    }

    /// The index of the member that leads now (asked with etcdctl).
    func leaderIndex() throws -> Int {
        let all = endpoints
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/etcdctl")
        process.arguments = ["--endpoints", all.joined(separator: ","), "endpoint", "status", "-w", "json"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let leader = Self.leaderEndpoint(statusJSON: text), let index = all.firstIndex(of: leader) else {
            throw TestFailure("no leader in: \(text)")
        }
        return index
    }
}
