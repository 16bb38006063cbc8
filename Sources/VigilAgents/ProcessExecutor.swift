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
            guard let entry = getpwnam(user) else {
                return Checked(result: ActionResult(code: .notConfigured, output: "\(spec.name): unknown user '\(user)'"))
            }
            ids = (entry.pointee.pw_uid, entry.pointee.pw_gid)
        }
        return Checked(result: ActionResult(code: .success), executable: executable, ids: ids)
    }

    private func start() async -> ActionResult {
        if let child { return ActionResult(code: .success, output: "\(spec.name): already running as pid \(child.processID)") }
        let checked = validate()
        guard checked.result.code == .success else { return checked.result }
        var logFD: Int32 = -1
        if let logFile = spec.logFile {
            logFD = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
            guard logFD >= 0 else {
                return ActionResult(code: .notConfigured, output: "\(spec.name): cannot open log-file \(logFile): errno \(errno)")
            }
        } else {
            logFD = open("/dev/null", O_WRONLY | O_CLOEXEC)
        }
        var options = PlatformOptions()
        options.createSession = true
        var executable = checked.executable
        var arguments = Array(spec.command.dropFirst())
        if let cgroup = spec.cgroup {
            // The helper joins the cgroup as root, then takes the user (a process that is
            // no longer root could not move itself).
            do {
                try cgroup.create()
                (executable, arguments) = try cgroup.wrap(
                    executable: executable, arguments: arguments, uid: checked.ids?.uid, gid: checked.ids?.gid)
            } catch {
                close(logFD)
                return ActionResult(code: .genericError, output: "\(spec.name): \(error.message)")
            }
        } else if let ids = checked.ids {
            options.userID = ids.uid
            options.groupID = ids.gid
            options.supplementaryGroups = [ids.gid]
        }
        options.teardownSequence = [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(200))]
        var environment: [Environment.Key: String] = ["PATH": Self.defaultPath, "LANG": "C"]
        for (key, value) in spec.environment {
            if let key = Environment.Key(rawValue: key) { environment[key] = value }
        }
        do {
            for (key, value) in try SecretFile.read(spec.environmentFiles) {
                if let key = Environment.Key(rawValue: key) { environment[key] = value }
            }
        } catch {
            if logFD >= 0 { close(logFD) }
            return ActionResult(code: .notConfigured, output: "\(spec.name): env-files: \(error.message)")
        }
        generation += 1
        let generation = self.generation
        let spawned = Promise<Result<Int32, CommandError>>()
        let exit = ExitSignal()
        let spec = self.spec
        let program = executable
        let programArguments = arguments
        let fd = logFD
        // Registered before the child can exit, so that its exit is never missed.
        child = Child(generation: generation, processID: 0, exit: exit, task: nil)
        let task = Task {
            var termination: CommandResult.Termination = .exited(-1)
            var processID: Int32 = 0
            do {
                let result = try await Subprocess.run(
                    .path(FilePath(program)),
                    arguments: Arguments(programArguments),
                    environment: .custom(environment),
                    workingDirectory: FilePath(spec.workingDirectory ?? "/"),
                    platformOptions: options,
                    input: .none,
                    output: .fileDescriptor(FileDescriptor(rawValue: fd), closeAfterSpawningProcess: true),
                    error: .combinedWithOutput
                ) { execution in
                    spawned.fulfill(.success(execution.processIdentifier.value))
                }
                processID = result.processIdentifier.value
                switch result.terminationStatus {
                case .exited(let code): termination = .exited(Int32(code))
                case .signaled(let signal): termination = .signaled(Int32(signal))
                }
            } catch {
                spawned.fulfill(.failure(CommandError(.spawnFailed, "\(spec.name): cannot start \(program): \(error)")))
                exit.fire()
                return
            }
            exit.fire()
            self.childExited(generation: generation, processID: processID, termination: termination)
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
            return ActionResult(code: .genericError, output: error.message)
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
