import ArgumentParser
import Dispatch
import Foundation
import Logging
import VigilAgents
import VigilCommand
import VigilHealth
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// `vigil agent`: runs the node agent until SIGTERM/SIGINT (then leaves gracefully).
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the node agent: membership, coordinator election, reconciling local resources.",
        discussion: """
            With --etcd (or VIGIL_ETCD, or /etc/vigil/vigil.yaml) the agent joins the cluster kept in etcd.
            With --standalone --config FILE it runs a one-node cluster on an in-process store persisted
            under --state-dir, with no etcd. SIGTERM or SIGINT stops it gracefully: local resources are
            stopped and its membership is revoked, so other nodes take over at once.
            """
    )

    @Option(help: "This node's name, as in the configuration's nodes (default: the host name).")
    var node: String?

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The address advertised to peers (HTTP API address).")
    var address: String?

    @Option(help: "Where the HTTP API listens: HOST:PORT, :PORT or HOST (default 127.0.0.1:7950).")
    var listen: String = "127.0.0.1:7950"

    @Option(help: "The most connections the HTTP API holds at once (more wait in the accept queue).")
    var httpMaxConnections: Int = 4096

    @Option(help: "How long an HTTP API connection may go without a complete request, e.g. 10s (idle keep-alive, slow senders).")
    var httpIdleTimeout: String = "10s"

    @Option(help: "Where OCF agents keep runtime files.")
    var runtimeDir: String = "/run/vigil"

    @Option(
        help: ArgumentHelp(
            "Which etcd member to talk to first: 'spread' or 'given'.",
            discussion: """
                spread (default): the member on this host if exactly one endpoint is an address of this host, \
                else one picked by a stable hash of the node's name, so agents do not all load (and all lose) \
                the same member. given: the first of --etcd. Either way the others follow in the given order.
                """))
    var etcdOrder: String = "spread"

    @Option(help: "The OCF root: agents are <root>/resource.d/<provider>/<type>.")
    var ocfRoot: String = "/usr/lib/ocf"

    @Flag(help: "Run a one-node cluster on an in-process store (no etcd).")
    var standalone = false

    @Option(help: "With --standalone: the configuration to apply at start.")
    var config: String?

    @Option(help: "With --standalone: where the store is persisted.")
    var stateDir: String = "/var/lib/vigil"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Directories searched for fence agents (fence_*), colon-separated, in order.")
    var fenceAgentPath: String = FenceDeviceSpec.defaultSearchPath.joined(separator: ":")

    @Option(
        help: ArgumentHelp(
            "The cgroup2 directory under which each resource gets its own cgroup, or 'off'.",
            discussion: """
                Default: vigil.<node> inside the agent's own cgroup (under systemd with Delegate=yes, the unit's \
                subtree). Everything a resource starts runs in <root>/<resource>: a stop that fails is escalated \
                to killing that cgroup, a resource counts as stopped only once it is empty, and leftovers of a \
                crashed agent are found there. 'off' runs resources in the agent's cgroup (stops are then \
                confirmed only by the agent's own answer).
                """))
    var cgroupRoot: String?

    @Option(
        help: ArgumentHelp(
            "A watchdog device (/dev/watchdog, softdog included), armed when the agent starts.",
            discussion: """
                It is fed only while the lease is confirmed or nothing exclusive runs, so a node that cannot \
                confirm its stops before its lease can expire (or whose agent hangs) is reset; peers count a \
                lost node as stopped after its lease expiry plus this timeout. See docs/agent.md.
                """))
    var watchdog: String?

    @Option(help: "The watchdog timeout to set, e.g. 5s (default: the device's own; required for a FIFO test watchdog).")
    var watchdogTimeout: String?

    @Option(
        help: ArgumentHelp(
            "Seconds after start when the agent gives back the code pages it used only to start (0: never).",
            discussion: "Clean pages of the vigil binary and its shared libraries; see docs/benchmarks.md."))
    var releaseStartupPagesAfter: Int = 20

    @Option(
        name: .customLong("api-token-file"),
        help: ArgumentHelp(
            "A file holding the bearer token every write to the HTTP API must carry (mode 600, at least 16 characters).",
            discussion: "Without it the API is read-only. On a listener that is not loopback, /v1/ reads need it too."))
    var apiTokenFile: String?

    @Option(name: .customLong("tls-cert"), help: "The certificate chain (PEM) the HTTP API serves HTTPS with (with --tls-key).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "The private key (PEM) of --tls-cert.")
    var tlsKey: String?

    @Flag(name: .customLong("insecure-api"), help: "Serve plain HTTP on an address that is not loopback (tokens and cluster state travel in clear).")
    var insecureAPI = false

    /// The API's access rules and TLS, checked before anything starts.
    func apiSettings(listen: ListenAddress, store: any ClusterStore, keyspace: Keyspace, node: String) throws -> APISettings {
        let tls: TLSFiles?
        switch (tlsCert, tlsKey) {
        case (let cert?, let key?): tls = TLSFiles(certificate: cert, key: key)
        case (nil, nil): tls = nil
        default: throw CLIError("--tls-cert and --tls-key go together")
        }
        try tls?.check()
        if !listen.isLoopback, tls == nil, !insecureAPI {
            throw CLIError(
                "--listen \(listen): the HTTP API would serve plain HTTP beyond this host; give --tls-cert and --tls-key, or --insecure-api")
        }
        let token = try apiTokenFile.map { try APIAccess.readToken(path: $0) }
        return APISettings(store: store, keyspace: keyspace, node: node, access: APIAccess(token: token, loopback: listen.isLoopback), tls: tls)
    }

    func run() async throws {
        if let mismatch = ProcMount.mismatch() { throw CLIError(mismatch) }
        let redaction = RedactionSet()
        var logger = Logger(label: "vigil.agent", factory: { AgentLogHandler(label: $0, redaction: redaction) })
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        try FileManager.default.createDirectory(atPath: runtimeDir, withIntermediateDirectories: true)
        let name = node ?? (standalone ? nil : ProcessInfo.processInfo.hostName)
        let resolvedCgroupRoot = try resolveCgroupRoot(node: name ?? "standalone", logger: logger)
        let factory = HostResourceFactory(
            runtimeDirectory: runtimeDir, cgroupRoot: resolvedCgroupRoot, ocfRoot: ocfRoot, logger: logger)
        // The resources' cgroups are made as needed; the empty ones go when the agent ends
        // (one still populated — a stop not confirmed — stays, for the next agent to find).
        defer { if let resolvedCgroupRoot { ResourceCgroup(path: resolvedCgroupRoot).removeEmptyTree() } }
        if standalone {
            try await runStandalone(factory: factory, redaction: redaction, logger: logger)
        } else {
            var (etcdConfiguration, _, cluster) = try connection.resolve()
            if let password = etcdConfiguration.credentials?.password { redaction.add(password) }
            let keyspace = Keyspace(cluster: cluster)
            let name = name ?? ProcessInfo.processInfo.hostName
            switch etcdOrder {
            case "spread": etcdConfiguration.preference = .spread(key: name)
            case "given": etcdConfiguration.preference = .given
            default: throw CLIError("--etcd-order: expected spread or given, got '\(etcdOrder)'")
            }
            try await withEtcdStore(etcdConfiguration, logger: logger) { store in
                try await runAgent(store: store, keyspace: keyspace, node: name, factory: factory, redaction: redaction, logger: logger)
            }
        }
    }

    /// The cgroup root: `--cgroup-root` ('off': none), else the default under the agent's
    /// own cgroup. A root that cannot be created is an error (resources would run uncontained).
    private func resolveCgroupRoot(node: String, logger: Logger) throws -> String? {
        if cgroupRoot == "off" { return nil }
        guard let root = cgroupRoot ?? CgroupHierarchy.defaultRoot(node: node) else {
            logger.warning("no cgroup2 file system: resources run in the agent's cgroup; stops are confirmed by the agents' answers only")
            return nil
        }
        do {
            try ResourceCgroup(path: root).create()
        } catch {
            throw CLIError("--cgroup-root: \(error.message) (use --cgroup-root off to run without)")
        }
        guard CgroupExec.helperPath != nil else {
            throw CLIError("vigil-cgexec is not installed beside vigil (or set VIGIL_CGEXEC); use --cgroup-root off to run without cgroups")
        }
        return root
    }

    /// This binary: what the Pacemaker tools' names link to (``AttributeShim``).
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// This boot of this machine (the kernel's boot id) and the agent's place on it: what a
    /// restarted agent recognises its crashed predecessor by. Nil without a boot id.
    static func hostIdentity(place: String) -> String? {
        guard let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) else { return nil }
        return boot.trimmingCharacters(in: .whitespacesAndNewlines) + " " + place
    }

    private func makeWatchdog(logger: Logger) throws -> WatchdogKeeper? {
        guard let watchdog else { return nil }
        var timeout: Duration?
        if let text = watchdogTimeout {
            guard let parsed = DurationParser.parse(text) else {
                throw CLIError("--watchdog-timeout: '\(text)' is not a duration (e.g. 500ms, 5s)")
            }
            timeout = parsed
        }
        do {
            return try WatchdogKeeper.device(WatchdogSettings(device: watchdog, timeout: timeout), logger: logger)
        } catch {
            throw CLIError("--watchdog: \(error.message)")
        }
    }

    private func runStandalone(factory: HostResourceFactory, redaction: RedactionSet, logger: Logger) async throws {
        guard let configPath = config else { throw CLIError("--standalone needs --config FILE") }
        let text = try InputFile.read(configPath)
        let parsed: ClusterConfig
        do {
            parsed = try ConfigDecoder.decode(yaml: text, file: configPath)
        } catch {
            throw CLIError("\(error)")
        }
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        let store = try MemoryStore(directory: stateDir, logger: logger)
        let keyspace = Keyspace(cluster: parsed.cluster.name)
        let record = ConfigRecord(
            yaml: text, hash: "", appliedBy: "vigil agent --standalone", appliedAt: Agent.systemTime().description)
        _ = try await store.put(keyspace.config, Array(try JSONEncoder().encode(record)))
        let name = node ?? parsed.nodes.first?.name ?? "local"
        // A persisted store restarts its leases at their full TTL (as etcd does); this is the
        // only agent of a standalone cluster, so its previous life's member lease is revoked
        // rather than waited out.
        if let stale = try await store.get(keyspace.member(name)), stale.lease != 0 {
            try await store.revokeLease(stale.lease)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            group.addTask {
                try await runAgent(store: store, keyspace: keyspace, node: name, factory: factory, redaction: redaction, logger: logger)
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// The HTTP API's limits from the options.
    private func httpLimits() throws -> HTTPLimits {
        guard (16...1_000_000).contains(httpMaxConnections) else {
            throw CLIError("--http-max-connections: \(httpMaxConnections) is not between 16 and 1000000")
        }
        guard let idle = DurationParser.parse(httpIdleTimeout), idle >= .milliseconds(100), idle <= .seconds(3600) else {
            throw CLIError("--http-idle-timeout: '\(httpIdleTimeout)' is not a duration between 100ms and 1h")
        }
        return HTTPLimits(maxConnections: httpMaxConnections, idleTimeout: idle)
    }

    private func runAgent(
        store: any ClusterStore, keyspace: Keyspace, node name: String, factory: HostResourceFactory, redaction: RedactionSet,
        logger: Logger
    ) async throws {
        let listenAddress: ListenAddress
        do {
            listenAddress = try ListenAddress(parsing: listen)
        } catch {
            throw CLIError("--listen: \(error)")
        }
        let limits = try httpLimits()
        let api = try apiSettings(listen: listenAddress, store: store, keyspace: keyspace, node: name)
        DescriptorLimit.raise(toAtLeast: limits.requiredDescriptors, logger: logger)
        let metrics = AgentMetrics()
        let watchdogKeeper = try makeWatchdog(logger: logger)
        // OCF agents' crm_attribute, attrd_updater and crm_node: links to this binary, which
        // reaches this agent through its attribute socket.
        let attributeSocket = runtimeDir + "/attributes.sock"
        var factory = factory
        factory.shim = AttributeShim(executable: Self.executablePath, socket: attributeSocket, node: name)
        try await withHealthChecker(logger: logger) { [factory] checker in
            var options = AgentOptions(
                node: name, address: address ?? listenAddress.description,
                hostIdentity: Self.hostIdentity(place: factory.cgroupRoot ?? factory.runtimeDirectory))
            options.redaction = redaction
            let agent = Agent(
                options: options,
                store: store,
                keyspace: keyspace, factory: factory, healthChecker: checker,
                reconcilerEvents: { event in
                    switch event {
                    case .operation(let resource, let operation, let succeeded, let duration):
                        metrics.recordAction(kind: operation.rawValue, resource: resource, succeeded: succeeded, duration: duration)
                    case .failcount(let resource, let count):
                        metrics.setFailcount(count, resource: resource, node: name)
                    case .failure:
                        break
                    }
                },
                fencer: DeviceFencer(
                    runner: FenceAgentRunner(logger: logger), searchPath: fenceAgentPath.split(separator: ":").map(String.init)),
                watchdog: watchdogKeeper, logger: logger)
            let attributes = NodeAttributeService(store: store, keyspace: keyspace, node: name, view: { await agent.view }, logger: logger)
            let attributeServer = AttributeSocketServer(
                path: attributeSocket, service: attributes, node: name, view: { await agent.view }, logger: logger)
            let attributeTask = Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await attributes.run() }
                    group.addTask {
                        do {
                            try await attributeServer.run()
                        } catch {
                            logger.error("attribute socket stopped", metadata: ["socket": "\(attributeSocket)", "error": "\(error)"])
                        }
                    }
                }
            }
            let source = AgentStatusSource(agent: agent, metrics: metrics)
            let server = AgentHTTPServer(
                host: listenAddress.host, port: listenAddress.port, provider: source, metrics: metrics, limits: limits, api: api,
                logger: logger)
            let serverTask = Task {
                do {
                    try await server.run()
                } catch {
                    logger.error("HTTP API stopped", metadata: ["listen": "\(listenAddress)", "error": "\(error)"])
                }
            }
            let releaseTask = Task { [releaseStartupPagesAfter] in
                guard releaseStartupPagesAfter > 0 else { return }
                try? await Task.sleep(for: .seconds(releaseStartupPagesAfter))
                guard !Task.isCancelled else { return }
                do {
                    let report = try StartupPageRelease.releaseStartupPages()
                    logger.info(
                        "released start-up pages",
                        metadata: [
                            "mappings": "\(report.mappings)", "released_kib": "\(report.releasedKiB)",
                            "rss_before_kib": "\(report.residentBeforeKiB)", "rss_after_kib": "\(report.residentAfterKiB)",
                        ])
                } catch {
                    logger.warning("could not release start-up pages", metadata: ["error": "\(error)"])
                }
            }
            // systemd (Type=notify): ready once the loops run; WATCHDOG=1 while the agent's
            // actor answers (a hung agent is restarted by systemd as well as reset by the
            // hardware watchdog if it holds anything).
            let notifier = SystemdNotifier()
            let notifyTask = Task {
                guard notifier.isActive else { return }
                notifier.notify("READY=1\nSTATUS=agent \(name) running")
                var joined = false
                while !Task.isCancelled {
                    let lease = await agent.lease
                    if (lease != nil) != joined {
                        joined = lease != nil
                        notifier.notify("STATUS=agent \(name): \(joined ? "member" : "not a member (joining or self-fenced)")")
                    }
                    if notifier.watchdogInterval != nil { notifier.notify("WATCHDOG=1") }
                    try? await Task.sleep(for: notifier.watchdogInterval ?? .seconds(1))
                }
            }
            let signals = SignalStream.make([SIGTERM, SIGINT])
            let stream = signals.stream
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await agent.run() }
                group.addTask {
                    for await signal in stream {
                        logger.notice("signal received: leaving", metadata: ["signal": "\(signal)"])
                        await agent.leave()
                        return
                    }
                }
                // Whichever ends first — a signal's graceful leave, or the agent's run — ends both.
                await group.next()
                group.cancelAll()
            }
            // If the agent stopped without a signal, still stop what it runs and leave.
            await agent.leave()
            notifier.notify("STOPPING=1")
            notifyTask.cancel()
            await notifyTask.value
            serverTask.cancel()
            attributeTask.cancel()
            releaseTask.cancel()
            signals.cancel()
            await serverTask.value
            await attributeTask.value
            await releaseTask.value
        }
    }
}
