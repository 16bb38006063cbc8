import Foundation
public import Logging
import VigilCommand
public import VigilHealth

#if canImport(Glibc)
import Glibc
#endif

/// Runs one RabbitMQ node (`agent: rabbitmq`).
///
/// The server is a supervised process (``ProcessExecutor``: its own session, in the
/// resource's cgroup, its exit noticed at once). Whether it starts a new cluster, starts as
/// a member, joins through a peer or is force-booted is decided cluster-wide and handed
/// over with ``prepare(_:)`` before each start. A start returns once the node's
/// application runs (and, for a join, once it is clustered). A stop is `rabbitmqctl stop`
/// (a clean stop, so that the node knows it stopped and when), then SIGTERM and SIGKILL.
public actor RabbitMQExecutor: ResourceExecutor {
    /// The node's spec.
    public nonisolated let spec: RabbitMQSpec
    /// Exits of the server, expected or not.
    public nonisolated var events: AsyncStream<ProcessEvent> { server.events }
    /// The CLI against this node.
    public nonisolated let cli: RabbitMQCLI
    /// The version-specific metadata store.
    public nonisolated let store: any RabbitMQMetadataStore
    private let server: ProcessExecutor
    private let logger: Logger
    private var mode: RabbitMQStartMode?

    /// Creates an executor; nothing runs until a start.
    public init(spec: RabbitMQSpec, store: any RabbitMQMetadataStore = RabbitMQMnesiaStore(), logger: Logger = Logger(label: "vigil.rabbitmq")) {
        self.spec = spec
        self.store = store
        self.logger = logger
        cli = RabbitMQCLI(spec: spec, logger: logger)
        var process = ProcessSpec(
            name: spec.name, command: [spec.serverDirectory + "/rabbitmq-server"], environment: spec.processEnvironment, logFile: spec.consoleLog)
        process.cgroup = spec.cgroup
        server = ProcessExecutor(spec: process, logger: logger)
    }

    /// Performs start (as prepared), stop, monitor or validate.
    public func perform(_ request: ActionRequest) async -> ActionResult {
        let started = ContinuousClock.now
        var result: ActionResult
        switch request.action {
        case .start: result = await start(timeout: request.timeout)
        case .stop: result = await stop(timeout: request.timeout)
        case .monitor: result = await server.perform(ActionRequest(.monitor, timeout: request.timeout))
        case .validate: result = validate()
        default: result = ActionResult(code: .unimplemented, output: "rabbitmq: \(request.action.rawValue) is not implemented")
        }
        result.duration = ContinuousClock.now - started
        return result
    }

    /// Sets how the next start goes (used once).
    public func prepare(_ mode: RabbitMQStartMode) {
        self.mode = mode
    }

    /// What the stopped node's data says (nil while it runs, or unreadable).
    public func localData() async -> RabbitMQLocalData? {
        guard await server.processID == nil else { return nil }
        return store.localData(spec)
    }

    /// Whether the server process runs.
    public func isRunning() async -> Bool {
        await server.processID != nil
    }

    private func validate() -> ActionResult {
        let problems = RabbitMQConfigCheck.problems(spec)
        guard problems.isEmpty else {
            return ActionResult(code: .notConfigured, output: problems.map { "\(spec.name): params.\($0.field): \($0.message)" }.joined(separator: "\n"))
        }
        return ActionResult(code: .success)
    }

    // MARK: - Start

    private func start(timeout: Duration) async -> ActionResult {
        guard let mode else {
            return ActionResult(code: .genericError, output: "\(spec.name): no start mode: a RabbitMQ node starts only as the cluster decides")
        }
        self.mode = nil
        let problems = RabbitMQConfigCheck.problems(spec)
        if !problems.isEmpty {
            return ActionResult(code: .notConfigured, output: problems.map { "\(spec.name): params.\($0.field): \($0.message)" }.joined(separator: "\n"))
        }
        if let failure = writeCookie() { return ActionResult(code: .notConfigured, output: failure) }
        let deadline = ContinuousClock.now + timeout
        switch mode {
        case .forceBoot:
            if case .failure(let error) = await store.prepareForceBoot(spec, cli: cli) {
                return ActionResult(code: .genericError, output: "\(spec.name): force_boot: \(error.message)")
            }
        case .join(let peer, let forgetFirst, let discardLocal):
            if discardLocal, let failure = moveDataAside() { return ActionResult(code: .genericError, output: failure) }
            if forgetFirst {
                // The peer still lists this node name for a node whose data is gone: it
                // must forget it before the new one can join.
                if case .failure(let error) = await cli.run(["forget_cluster_node", spec.nodename], node: peer, timeout: .seconds(60)) {
                    logger.warning("forget before join failed", metadata: ["resource": "\(spec.name)", "peer": "\(peer)", "error": "\(error.message)"])
                }
            }
        case .newCluster, .member:
            break
        }
        logger.notice("starting rabbitmq-server", metadata: ["resource": "\(spec.name)", "node": "\(spec.nodename)", "mode": "\(mode)"])
        let launched = await server.start()
        guard launched.code == .success else { return launched }
        if let failure = await awaitApplication(until: deadline) { return await abandon(failure, timedOut: ContinuousClock.now >= deadline) }
        if case .join(let peer, _, _) = mode {
            for step in [["stop_app"], ["join_cluster", peer], ["start_app"]] {
                if case .failure(let error) = await cli.run(step, timeout: max(.seconds(30), deadline - ContinuousClock.now)) {
                    return await abandon("\(spec.name): joining \(peer): \(error.message)", timedOut: false)
                }
            }
            // RabbitMQ 3.x does not add a joining node to existing quorum queues.
            if case .failure(let error) = await growQuorumQueues() {
                logger.warning("quorum queues not grown", metadata: ["resource": "\(spec.name)", "error": "\(error.message)"])
            }
        }
        return ActionResult(code: .success, output: "\(spec.name): \(spec.nodename) running (\(mode))")
    }

    /// Waits until the application runs: the AMQP listener accepts (cheap, polled), then
    /// `await_startup` confirms. Nil on success, else why not.
    private func awaitApplication(until deadline: ContinuousClock.Instant) async -> String? {
        let listener = RabbitMQConfigCheck.amqpListener(spec)
        while ContinuousClock.now < deadline {
            if Task.isCancelled { return "\(spec.name): start cancelled" }
            guard await server.processID != nil else {
                return "\(spec.name): rabbitmq-server exited while starting: \(logTail())"
            }
            if Self.accepts(host: listener.host, port: listener.port) {
                let left = max(.seconds(5), deadline - ContinuousClock.now)
                switch await cli.run(["await_startup", "--timeout", String(Int(left.components.seconds))], timeout: left + .seconds(10)) {
                case .success: return nil
                case .failure(let error):
                    logger.info("await_startup", metadata: ["resource": "\(spec.name)", "error": "\(error.message)"])
                }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return "\(spec.name): not running within the start timeout (last: \(logTail()))"
    }

    private func abandon(_ message: String, timedOut: Bool) async -> ActionResult {
        _ = await stop(timeout: spec.stopTimeout)
        return ActionResult(code: .genericError, output: message, timedOut: timedOut)
    }

    /// Copies the cookie into Vigil's `HOME` for the node (mode 0400).
    private func writeCookie() -> String? {
        let text: String
        do { text = try String(contentsOfFile: spec.cookieFile, encoding: .utf8) } catch {
            return "\(spec.name): params.erlang-cookie-file: \(spec.cookieFile): cannot be read"
        }
        let cookie = text.split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        let path = spec.homeDirectory + "/.erlang.cookie"
        do {
            try FileManager.default.createDirectory(atPath: spec.homeDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if (try? String(contentsOfFile: path, encoding: .utf8)) == cookie { return nil }
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            guard FileManager.default.createFile(atPath: path, contents: Data(cookie.utf8), attributes: [.posixPermissions: 0o400]) else {
                return "\(spec.name): cannot write \(path)"
            }
        } catch {
            return "\(spec.name): cannot prepare \(spec.homeDirectory): \(error.localizedDescription)"
        }
        return nil
    }

    /// Renames the node's data directory to `<dir>.vigil-discarded-<unix time>` (kept for
    /// the operator, never deleted by Vigil).
    private func moveDataAside() -> String? {
        let dir = spec.dataDirectory
        guard FileManager.default.fileExists(atPath: dir) else { return nil }
        let target = dir + ".vigil-discarded-\(Int(Date().timeIntervalSince1970))"
        do {
            try FileManager.default.moveItem(atPath: dir, toPath: target)
            logger.notice("data of a node the cluster no longer counts moved aside", metadata: ["resource": "\(spec.name)", "to": "\(target)"])
            return nil
        } catch {
            return "\(spec.name): cannot move \(dir) aside: \(error.localizedDescription)"
        }
    }

    // MARK: - Stop

    private func stop(timeout: Duration) async -> ActionResult {
        guard await server.processID != nil else { return await server.perform(ActionRequest(.stop, timeout: timeout)) }
        let deadline = ContinuousClock.now + timeout
        let graceful = await cli.run(["stop"], timeout: max(.seconds(1), timeout - .seconds(2)))
        if case .failure(let error) = graceful {
            logger.warning("rabbitmqctl stop failed; signalling", metadata: ["resource": "\(spec.name)", "error": "\(error.message)"])
        }
        // The VM exits once halted; the supervisor reaps it (or signals what is left).
        while ContinuousClock.now < deadline, await server.processID != nil {
            try? await Task.sleep(for: .milliseconds(50))
            if case .failure = graceful { break }
        }
        let left = max(.seconds(1), deadline - ContinuousClock.now)
        return await server.perform(ActionRequest(.stop, timeout: left))
    }

    // MARK: - Running node

    /// The running node's view of its cluster; nil when it does not answer.
    public func clusterStatus() async -> Result<RabbitMQClusterStatus, AgentsError> {
        switch await cli.json(["cluster_status"], timeout: .seconds(15)) {
        case .failure(let error): return .failure(error)
        case .success(let json):
            guard let status = RabbitMQClusterStatus(json: json) else {
                return .failure(AgentsError(.invalidParameter, "\(spec.name): cluster_status: unexpected document"))
            }
            return .success(status)
        }
    }

    /// How many quorum queues have their leader on this node.
    public func leaderCount() async -> Int? {
        guard case .success(let json) = await cli.json(["list_queues", "leader", "type"], timeout: .seconds(15)), let rows = json as? [[String: Any]]
        else { return nil }
        return rows.filter { ($0["leader"] as? String) == spec.nodename }.count
    }

    /// The AMQP proof: a confirmed publish and a get on this node's quorum queue
    /// `vigil-health-<nodename>` (replicated to every member).
    public func roundTrip(timeout: Duration) async -> ProbeResult {
        let listener = RabbitMQConfigCheck.amqpListener(spec)
        return await AMQPQuorumRoundTrip.run(
            host: listener.host, port: listener.port, user: spec.monitorUser, passwordFile: spec.passwordFile,
            queue: "vigil-health-" + spec.nodename, timeout: timeout)
    }

    /// `forget_cluster_node NODE` on this (running) node.
    public func forget(_ nodename: String) async -> Result<Void, AgentsError> {
        await cli.run(["forget_cluster_node", nodename], timeout: .seconds(60)).map { _ in () }
    }

    /// `set_policy` for each policy (idempotent).
    public func apply(policies: [(name: String, pattern: String, definition: String, applyTo: String, priority: Int)]) async -> Result<Void, AgentsError> {
        for policy in policies {
            let arguments = ["set_policy", "--apply-to", policy.applyTo, "--priority", String(policy.priority), policy.name, policy.pattern, policy.definition]
            if case .failure(let error) = await cli.run(arguments, timeout: .seconds(30)) { return .failure(error) }
        }
        return .success(())
    }

    /// `rabbitmq-queues grow NODE all`: adds this node to every quorum queue.
    public func growQuorumQueues() async -> Result<Void, AgentsError> {
        await cli.run(["grow", spec.nodename, "all"], tool: "rabbitmq-queues", timeout: .seconds(60)).map { _ in () }
    }

    private func logTail() -> String {
        let base = spec.environment["RABBITMQ_LOG_BASE"] ?? "/var/log/rabbitmq"
        for path in [base + "/" + spec.nodename + ".log", spec.consoleLog].compactMap({ $0 }) {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty {
                return String(text.split(separator: "\n").suffix(4).joined(separator: " | ").suffix(1024))
            }
        }
        return "(no log)"
    }

    /// Whether a TCP connection to `host:port` is accepted within 200 ms.
    static func accepts(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return false }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return connected == 0
    }
}
