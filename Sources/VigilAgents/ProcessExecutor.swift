public import Logging
import Subprocess
import SystemPackage
import VigilCommand

#if canImport(Glibc)
import Glibc
#endif

/// Supervises one long-running command (`agent: process`).
///
/// The child runs in its own session (process group). Its exit is noticed at once
/// through its pidfd — `events` yields a `ProcessEvent` the moment it happens — not
/// by polling. `stop` sends SIGTERM to the whole group, then SIGKILL once the stop
/// timeout has passed. Actions on one executor are expected one at a time.
public actor ProcessExecutor: ResourceExecutor {
    private struct Child {
        var generation: UInt64
        var processID: Int32
        var exit: ExitSignal
        var task: Task<Void, Never>?
        var stopping = false
    }

    /// The supervised command.
    public nonisolated let spec: ProcessSpec
    /// Exits of the child, expected or not, as they happen.
    public nonisolated let events: AsyncStream<ProcessEvent>
    private let eventsContinuation: AsyncStream<ProcessEvent>.Continuation
    private let clock: any Clock<Duration>
    private let logger: Logger
    private var child: Child?
    private var generation: UInt64 = 0

    /// Creates an executor; nothing runs until `start`.
    public init(spec: ProcessSpec, clock: any Clock<Duration> = ContinuousClock(), logger: Logger = Logger(label: "vigil.process")) {
        self.spec = spec
        self.clock = clock
        self.logger = logger
        (events, eventsContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(64))
    }

    /// The running child's process id (also its process group id), if any.
    public var processID: Int32? { child?.processID }

    /// Performs start, stop, monitor or validate; other actions are unimplemented.
    public func perform(_ request: ActionRequest) async -> ActionResult {
        let started = ContinuousClock.now
        var result: ActionResult
        switch request.action {
        case .start: result = await start()
        case .stop: result = await stop(timeout: request.timeout)
        case .monitor: result = monitor()
        case .validate: result = validate().result
        default: result = ActionResult(code: .unimplemented, output: "process: \(request.action.rawValue) is not implemented")
        }
        result.duration = ContinuousClock.now - started
        return result
    }

    private func monitor() -> ActionResult {
        if let child { return ActionResult(code: .success, output: "\(spec.name): running as pid \(child.processID)") }
        return ActionResult(code: .notRunning, output: "\(spec.name): not running")
    }

    private struct Checked {
        var result: ActionResult
        var executable: String = ""
        var ids: (uid: uid_t, gid: gid_t)?
    }

    private func validate() -> Checked {
        guard let program = spec.command.first, !program.isEmpty else {
            return Checked(result: ActionResult(code: .notConfigured, output: "\(spec.name): params.command is empty"))
        }
        let path = spec.environment["PATH"] ?? Self.defaultPath
        guard let executable = ExecutableLookup.resolve(program, searchPath: path.split(separator: ":").map(String.init)) else {
            return Checked(
                result: ActionResult(code: .notInstalled, output: "\(spec.name): \(program): not installed (no executable found)"))
        }
        if let directory = spec.workingDirectory {
            var info = stat()
            guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                return Checked(result: ActionResult(code: .notConfigured, output: "\(spec.name): cwd \(directory) is not a directory"))
            }
        }
        var ids: (uid: uid_t, gid: gid_t)?
        if let user = spec.user {
            do {
                let account = try UserAccount.lookup(user)
                ids = (account.uid, account.gid)
            } catch {
                return Checked(result: ActionResult(code: .notConfigured, output: "\(spec.name): \(error.message)"))
            }
        }
        return Checked(result: ActionResult(code: .success), executable: executable, ids: ids)
    }

    /// Starts the command with `extraArguments` after its own (a Galera node's start mode,
    /// which differs between starts); `perform(.start)` starts it with none.
    public func start(extraArguments: [String] = []) async -> ActionResult {
        if let child { return ActionResult(code: .success, output: "\(spec.name): already running as pid \(child.processID)") }
        let checked = validate()
        guard checked.result.code == .success else { return checked.result }
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(200))]
        var launch = Launch(
            name: spec.name, program: checked.executable, arguments: Array(spec.command.dropFirst()) + extraArguments,
            environment: ["PATH": Self.defaultPath, "LANG": "C"], workingDirectory: spec.workingDirectory ?? "/",
            throughHelper: spec.cgroup != nil || spec.logFile != nil)
        for (key, value) in spec.environment {
            if let key = Environment.Key(rawValue: key) { launch.environment[key] = value }
        }
        do {
            for (key, value) in try SecretFile.read(spec.environmentFiles) {
                if let key = Environment.Key(rawValue: key) { launch.environment[key] = value }
            }
        } catch {
            return ActionResult(code: .notConfigured, output: "\(spec.name): env-files: \(error.message)")
        }
        if launch.throughHelper {
            // The helper joins the cgroup as root, then takes the user (a process that is no
            // longer root could not move itself), and only then opens the log file: as the
            // user, never through a symbolic link, so a link the user planted cannot make
            // root append to a file of root's.
            do {
                try spec.cgroup?.create()
                (launch.program, launch.arguments) = try CgroupExec.wrap(
                    executable: launch.program, arguments: launch.arguments, cgroup: spec.cgroup,
                    uid: checked.ids?.uid, gid: checked.ids?.gid, output: spec.logFile ?? "/dev/null")
            } catch {
                return ActionResult(code: .genericError, output: "\(spec.name): \(error.message)")
            }
        } else if let ids = checked.ids {
            options.userID = ids.uid
            options.groupID = ids.gid
            options.supplementaryGroups = [ids.gid]
        }
        launch.options = options
        generation += 1
        let generation = self.generation
        let spawned = Promise<Result<Int32, CommandError>>()
        let exit = ExitSignal()
        let ready = launch
        // Registered before the child can exit, so that its exit is never missed.
        child = Child(generation: generation, processID: 0, exit: exit, task: nil)
        let task = Task {
            switch await Self.spawn(ready, spawned: spawned) {
            case .failure(let error):
                spawned.fulfill(.failure(error))
                exit.fire()
            case .success(let ended):
                exit.fire()
                self.childExited(generation: generation, processID: ended.processID, termination: ended.termination)
            }
        }
        child?.task = task
        switch await spawned.value {
        case .success(let pid):
            logger.info("process started", metadata: ["resource": "\(spec.name)", "pid": "\(pid)"])
            guard child?.generation == generation else {
                return ActionResult(code: .success, output: "\(spec.name): started as pid \(pid) and already exited")
            }
            child?.processID = pid
            return ActionResult(code: .success, output: "\(spec.name): started as pid \(pid)")
        case .failure(let error):
            await task.value
            if child?.generation == generation { child = nil }
            // A log file the user cannot use is a configuration problem, as an unknown user is.
            return ActionResult(code: error.code == .fileError ? .notConfigured : .genericError, output: error.message)
        }
    }

    private func childExited(generation: UInt64, processID: Int32, termination: CommandResult.Termination) {
        guard let child, child.generation == generation else { return }
        self.child = nil
        let event = ProcessEvent(processID: processID, termination: termination, expected: child.stopping)
        if child.stopping {
            logger.info("process stopped", metadata: ["resource": "\(spec.name)", "pid": "\(processID)", "termination": "\(termination)"])
        } else {
            logger.warning("process exited unexpectedly", metadata: ["resource": "\(spec.name)", "pid": "\(processID)", "termination": "\(termination)"])
        }
        eventsContinuation.yield(event)
    }

    private func stop(timeout: Duration) async -> ActionResult {
        guard var current = child else { return ActionResult(code: .success, output: "\(spec.name): not running") }
        current.stopping = true
        child = current
        let pid = current.processID
        _ = kill(-pid, SIGTERM)
        var output = "\(spec.name): sent SIGTERM to process group \(pid)"
        if await !current.exit.wait(timeout: timeout, clock: clock) {
            _ = kill(-pid, SIGKILL)
            output += "; still running after \(timeout), sent SIGKILL"
            if await !current.exit.wait(timeout: .seconds(5), clock: clock) {
                return ActionResult(code: .genericError, output: output + "; process did not exit")
            }
        }
        await current.task?.value
        // Anything left in the group (children that ignored SIGTERM) goes too.
        _ = kill(-pid, SIGKILL)
        return ActionResult(code: .success, output: output + "; stopped")
    }

    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
}
