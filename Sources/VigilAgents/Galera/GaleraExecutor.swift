import Foundation
public import VigilModel
public import Logging
import VigilCommand
public import VigilHealth

#if canImport(Glibc)
import Glibc
#endif

/// Runs one MariaDB Galera node (`agent: galera`).
///
/// The server is a supervised process (``ProcessExecutor``: its own session, in the
/// resource's cgroup, its exit noticed at once). What it cannot decide alone — whether
/// to form a new cluster or join one, and from which position — is decided cluster-wide
/// and handed over with ``prepare(_:)`` before each start. A start returns once the node
/// is Synced in the Primary component (or fails: the server exited, or `start-timeout`
/// passed). It reads the option file and never writes it; the only file it writes is
/// `grastate.dat`'s `safe_to_bootstrap` flag, for the node chosen to bootstrap.
public actor GaleraExecutor: ResourceExecutor {
    /// The node's spec.
    public nonisolated let spec: GaleraSpec
    /// Exits of the server, expected or not.
    public nonisolated var events: AsyncStream<ProcessEvent> { server.events }
    private let server: ProcessExecutor
    private let logger: Logger
    private var mode: GaleraStartMode?

    /// Creates an executor; nothing runs until a start.
    public init(spec: GaleraSpec, logger: Logger = Logger(label: "vigil.galera")) {
        self.spec = spec
        self.logger = logger
        var process = ProcessSpec(
            name: spec.name, command: [spec.mariadbd, "--defaults-file=\(spec.optionFile)", "--user=\(spec.user)"],
            logFile: spec.consoleLog)
        process.cgroup = spec.cgroup
        server = ProcessExecutor(spec: process, logger: logger)
    }

    /// Performs start (as prepared), stop, monitor or validate.
    public func perform(_ request: ActionRequest) async -> ActionResult {
        let started = ContinuousClock.now
        var result: ActionResult
        switch request.action {
        case .start: result = await start(timeout: request.timeout)
        case .stop: result = await server.perform(ActionRequest(.stop, timeout: request.timeout))
        case .monitor: result = await server.perform(ActionRequest(.monitor, timeout: request.timeout))
        case .validate: result = validate()
        default: result = ActionResult(code: .unimplemented, output: "galera: \(request.action.rawValue) is not implemented")
        }
        result.duration = ContinuousClock.now - started
        return result
    }

    /// Sets how the next start goes (used once).
    public func prepare(_ mode: GaleraStartMode) {
        self.mode = mode
    }

    /// The option file, checked: readable, with a `wsrep_provider`.
    public func optionFile() -> Result<MariaDBOptionFile, AgentsError> {
        do {
            let file = try MariaDBOptionFile.load(spec.optionFile)
            guard file.wsrepProvider != nil else {
                return .failure(AgentsError(.invalidParameter, "\(spec.optionFile): no wsrep_provider: this is not a Galera node's option file"))
            }
            return .success(file)
        } catch {
            return .failure(error)
        }
    }

    private func validate() -> ActionResult {
        let problems = GaleraConfigCheck.problems(optionFile: spec.optionFile, cloneMax: nil)
        guard problems.isEmpty else {
            return ActionResult(code: .notConfigured, output: problems.map { "\(spec.name): params.\($0.field): \($0.message)" }.joined(separator: "\n"))
        }
        return ActionResult(code: .success)
    }

    // MARK: - Position

    /// The node's position while it is stopped: `grastate.dat` when it names a seqno (a
    /// clean stop), an empty datadir as ``GaleraPosition/none``, else what
    /// `mariadbd --wsrep-recover` finds in InnoDB (after a crash). Never while it runs.
    public func recoverPosition() async -> Result<GaleraPosition, AgentsError> {
        if await server.processID != nil {
            return .failure(AgentsError(.invalidParameter, "\(spec.name): the server runs; its position is not recovered"))
        }
        let options: MariaDBOptionFile
        switch optionFile() {
        case .success(let file): options = file
        case .failure(let error): return .failure(error)
        }
        let datadir = options.datadir
        let grastate = (try? String(contentsOfFile: datadir + "/grastate.dat", encoding: .utf8)).flatMap(GaleraPosition.parseGrastate)
        if let grastate, grastate.seqno >= 0 { return .success(grastate) }
        if !Self.initialised(datadir) { return .success(.none) }
        try? spec.cgroup?.create()
        let log = datadir + "/vigil-wsrep-recover.log"
        try? FileManager.default.removeItem(atPath: log)
        defer { try? FileManager.default.removeItem(atPath: log) }
        let command = Command(
            executable: spec.mariadbd,
            arguments: ["--defaults-file=\(spec.optionFile)", "--user=\(spec.user)", "--wsrep-recover", "--log-error=\(log)"],
            environment: Command.cleanEnvironment, timeout: spec.startTimeout, cgroup: spec.cgroup)
        let result: CommandResult
        do {
            result = try await CommandRunner(logger: logger).run(command)
        } catch {
            return .failure(AgentsError(.fileError, "\(spec.name): mariadbd --wsrep-recover: \(error)"))
        }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard var position = GaleraPosition.parseRecovered(text + "\n" + result.output) else {
            return .failure(AgentsError(
                .fileError, "\(spec.name): mariadbd --wsrep-recover found no position (\(result.termination)): \(Self.tail(text + result.output))"))
        }
        position.safeToBootstrap = grastate?.safeToBootstrap ?? false
        if position.uuid == GaleraPosition.zeroUUID && position.seqno < 0 { position.empty = grastate == nil }
        logger.info("position recovered", metadata: ["resource": "\(spec.name)", "position": "\(position)"])
        return .success(position)
    }

    /// Whether `datadir` holds a database (`mysql/` exists).
    static func initialised(_ datadir: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: datadir + "/mysql", isDirectory: &isDirectory) && isDirectory.boolValue
    }

    // MARK: - Start

    private func start(timeout: Duration) async -> ActionResult {
        guard let mode else {
            return ActionResult(code: .genericError, output: "\(spec.name): no start mode: a Galera node starts only as the cluster decides")
        }
        self.mode = nil
        let options: MariaDBOptionFile
        switch optionFile() {
        case .success(let file): options = file
        case .failure(let error): return ActionResult(code: .notConfigured, output: error.message)
        }
        let problems = GaleraConfigCheck.problems(optionFile: spec.optionFile, cloneMax: nil)
        if !problems.isEmpty {
            return ActionResult(code: .notConfigured, output: problems.map { "\(spec.name): params.\($0.field): \($0.message)" }.joined(separator: "\n"))
        }
        let deadline = ContinuousClock.now + timeout
        let datadir = options.datadir
        if let failure = prepareDatadir(datadir) { return ActionResult(code: .notConfigured, output: failure) }
        var arguments: [String] = []
        switch mode {
        case .bootstrap(let position):
            if !Self.initialised(datadir) {
                if let failure = await installDatabase(timeout: deadline - ContinuousClock.now) {
                    return ActionResult(code: .genericError, output: failure)
                }
            } else {
                markSafeToBootstrap(datadir)
            }
            arguments.append("--wsrep-new-cluster")
            if position.isKnown { arguments.append("--wsrep_start_position=\(position)") }
        case .join(let position):
            if position.isKnown && Self.initialised(datadir) { arguments.append("--wsrep_start_position=\(position)") }
        }
        logger.notice("starting mariadbd", metadata: ["resource": "\(spec.name)", "arguments": "\(arguments)"])
        let launched = await server.start(extraArguments: arguments)
        guard launched.code == .success else { return launched }
        let connection = spec.connection(socket: options.socket)
        var last = "no answer yet"
        while ContinuousClock.now < deadline {
            if Task.isCancelled {
                _ = await server.perform(ActionRequest(.stop, timeout: spec.stopTimeout))
                return ActionResult(code: .genericError, output: "\(spec.name): start cancelled")
            }
            guard await server.processID != nil else {
                return ActionResult(code: .genericError, output: "\(spec.name): mariadbd exited while starting: \(errorLogTail(options))")
            }
            switch await MySQLQuery.run(connection, sql: "SHOW GLOBAL STATUS LIKE 'wsrep_%'", timeout: .seconds(2)) {
            case .success(let rows):
                let state = GaleraNodeState(rows: rows)
                if state.isPrimary && state.isSynced {
                    return ActionResult(code: .success, output: "\(spec.name): \(state.name), cluster size \(state.clusterSize), seqno \(state.lastCommitted)")
                }
                last = "\(state.name) (\(state.comment))"
            case .failure(let error):
                last = error.message
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        _ = await server.perform(ActionRequest(.stop, timeout: spec.stopTimeout))
        return ActionResult(code: .genericError, output: "\(spec.name): not Synced within \(timeout) (last: \(last))", timedOut: true)
    }

    /// Creates the datadir if missing and gives it to the server's user.
    private func prepareDatadir(_ datadir: String) -> String? {
        let account: UserAccount
        do { account = try UserAccount.lookup(spec.user) } catch { return "\(spec.name): \(error.message)" }
        do {
            try FileManager.default.createDirectory(atPath: datadir, withIntermediateDirectories: true)
        } catch {
            return "\(spec.name): cannot create the datadir \(datadir): \(error.localizedDescription)"
        }
        _ = chown(datadir, account.uid, account.gid)
        return nil
    }

    /// `mariadb-install-db` into the empty datadir (Galera off: nothing to replicate yet).
    private func installDatabase(timeout: Duration) async -> String? {
        logger.notice("initialising an empty datadir", metadata: ["resource": "\(spec.name)"])
        try? spec.cgroup?.create()
        let command = Command(
            executable: spec.installDB,
            arguments: ["--defaults-file=\(spec.optionFile)", "--user=\(spec.user)", "--skip-test-db", "--wsrep-on=OFF"],
            environment: Command.cleanEnvironment, timeout: timeout, cgroup: spec.cgroup)
        do {
            let result = try await CommandRunner(logger: logger).run(command)
            guard result.exitStatus == 0 else { return "\(spec.name): mariadb-install-db failed (\(result.termination)): \(Self.tail(result.output))" }
            return nil
        } catch {
            return "\(spec.name): mariadb-install-db: \(error)"
        }
    }

    /// Sets `safe_to_bootstrap: 1` in `grastate.dat` (the server refuses
    /// `--wsrep-new-cluster` without it after a crash; the cluster-wide choice already
    /// proved this node the most advanced).
    private func markSafeToBootstrap(_ datadir: String) {
        let path = datadir + "/grastate.dat"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains("safe_to_bootstrap: 0") else { return }
        let updated = text.replacingOccurrences(of: "safe_to_bootstrap: 0", with: "safe_to_bootstrap: 1")
        var info = stat()
        let owned = stat(path, &info) == 0
        do {
            try updated.write(toFile: path, atomically: true, encoding: .utf8)
            if owned { _ = chown(path, info.st_uid, info.st_gid) }
        } catch {
            logger.warning("cannot set safe_to_bootstrap", metadata: ["resource": "\(spec.name)", "error": "\(error)"])
        }
    }

    // MARK: - Running node

    /// The running node's state over its socket; nil when it does not answer.
    public func state() async -> GaleraNodeState? {
        guard case .success(let options) = optionFile() else { return nil }
        guard case .success(let rows) = await MySQLQuery.run(
            spec.connection(socket: options.socket), sql: "SHOW GLOBAL STATUS LIKE 'wsrep_%'", timeout: .seconds(2))
        else { return nil }
        return GaleraNodeState(rows: rows)
    }

    /// Makes this non-Primary node's component Primary (`pc.bootstrap=YES`): only for the
    /// most advanced survivor, once every other node is known stopped.
    public func makePrimary() async -> Result<Void, AgentsError> {
        guard case .success(let options) = optionFile() else { return .failure(AgentsError(.fileError, "\(spec.optionFile): unreadable")) }
        switch await MySQLQuery.run(
            spec.connection(socket: options.socket), sql: "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'", timeout: .seconds(5))
        {
        case .success: return .success(())
        case .failure(let error): return .failure(AgentsError(.invalidParameter, "\(spec.name): pc.bootstrap: \(error.message)"))
        }
    }

    private func errorLogTail(_ options: MariaDBOptionFile) -> String {
        guard let path = options.errorLog ?? spec.consoleLog, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return "(no error log)"
        }
        return Self.tail(text)
    }

    /// The last lines of `text` (at most 2 KiB).
    static func tail(_ text: String) -> String {
        String(text.split(separator: "\n").suffix(8).joined(separator: "\n").suffix(2048))
    }
}
