import Foundation
#if canImport(Glibc)
import Glibc
#endif
public import Logging
public import VigilCommand

/// Runs actions of an OCF resource agent script, as Pacemaker's executor does.
///
/// The agent is called as `<agentPath> <action>` with the OCF environment
/// (`OCF_ROOT`, `OCF_RESOURCE_INSTANCE`, `OCF_RESKEY_<param>`,
/// `OCF_RESKEY_CRM_meta_timeout`/`interval` in milliseconds, clone meta variables)
/// and nothing on a shell command line. On timeout its process group is killed.
public struct OCFExecutor: ResourceExecutor {
    /// The agent instance.
    public let spec: OCFAgentSpec
    private let runtimeDirectory: String
    private let runner: CommandRunner
    private let logger: Logger
    private let shim: AttributeShim?

    /// Creates an executor; installs the Pacemaker tools under `runtimeDirectory/bin`
    /// (created if needed): links to `shim`'s multi-call binary when given
    /// (``AttributeShim``), else the promotion-score script alone (``PromotionShim``).
    ///
    /// - Throws: `AgentsError` (`fileError`) when the runtime directory cannot be
    ///   written, (`invalidParameter`) for a malformed parameter name.
    public init(
        spec: OCFAgentSpec, runtimeDirectory: String = "/run/vigil",
        runner: CommandRunner = CommandRunner(), shim: AttributeShim? = nil, logger: Logger = Logger(label: "vigil.ocf")
    ) throws {
        if let problem = spec.parameterNameProblems().first {
            throw AgentsError(.invalidParameter, problem)
        }
        self.spec = spec
        self.runtimeDirectory = runtimeDirectory
        self.runner = runner
        self.logger = logger
        self.shim = shim
        if let shim {
            try Self.linkTools(in: runtimeDirectory + "/bin", to: shim.executable)
        } else {
            try Self.installShim(in: runtimeDirectory + "/bin")
        }
    }

    /// Performs one action; see `ResourceExecutor`.
    public func perform(_ request: ActionRequest) async -> ActionResult {
        let agent = "ocf:\(spec.provider):\(spec.type)"
        guard ExecutableLookup.isExecutableFile(spec.agentPath) else {
            return ActionResult(
                code: .notInstalled,
                output: "\(agent): agent not installed (\(spec.agentPath) is missing or not executable)")
        }
        if let cgroup = spec.cgroup {
            do {
                try cgroup.create()
            } catch {
                return ActionResult(code: .genericError, output: "\(agent): \(error.message)")
            }
        }
        let promotionFile = "\(runtimeDirectory)/promotion-\(spec.instance.replacingOccurrences(of: "/", with: "_"))-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: promotionFile) }
        var executable = spec.agentPath
        var arguments = [request.action.rawValue]
        if let namespace = spec.namespace {
            executable = "ip"
            arguments = ["netns", "exec", namespace, spec.agentPath] + arguments
        }
        var actionEnvironment = environment(for: request, promotionFile: promotionFile)
        do {
            for (key, value) in try SecretFile.read(spec.parameterFiles) { actionEnvironment["OCF_RESKEY_\(key)"] = value }
        } catch {
            return ActionResult(code: .notConfigured, output: "\(agent): param-files: \(error.message)")
        }
        let command = Command(
            executable: executable,
            arguments: arguments,
            environment: actionEnvironment,
            inheritEnvironment: false,
            workingDirectory: "/",
            timeout: request.timeout,
            outputLimit: spec.outputLimit,
            cgroup: spec.cgroup
        )
        let result: CommandResult
        do {
            result = try await runner.run(command)
        } catch let error as CommandError {
            let code: OCFCode = error.code == .notInstalled ? .notInstalled : .genericError
            return ActionResult(code: code, output: "\(agent): \(error.message)")
        } catch {
            return ActionResult(code: .genericError, output: "\(agent): \(error)")
        }
        var output = result.output
        if result.discardedBytes > 0 {
            output += "\n[vigil: \(result.discardedBytes) more bytes of output discarded]"
        }
        let code: OCFCode
        var timedOut = false
        switch result.termination {
        case .exited(let status):
            code = OCFCode(exitStatus: status)
        case .signaled(let signal):
            code = .genericError
            output += "\n[vigil: agent killed by signal \(signal)]"
        case .timedOut:
            code = .genericError
            timedOut = true
            output += "\n[vigil: \(request.action.rawValue) timed out after \(request.timeout); process group killed]"
        }
        let score = Self.readPromotionScore(promotionFile)
        logger.debug(
            "ocf action",
            metadata: [
                "resource": "\(spec.instance)", "agent": "\(agent)", "action": "\(request.action.rawValue)",
                "rc": "\(code.rawValue)", "duration": "\(result.duration)",
            ])
        return ActionResult(code: code, output: output, timedOut: timedOut, duration: result.duration, promotionScore: score)
    }

    /// Runs `meta-data` and parses it.
    ///
    /// - Throws: `AgentsError` (`invalidMetadata`) when the agent fails or prints
    ///   something that is not OCF meta-data.
    public func metadata(timeout: Duration = .seconds(10)) async throws -> OCFMetadata {
        let result = await perform(ActionRequest(.metaData, timeout: timeout))
        guard result.code == .success else {
            throw AgentsError(
                .invalidMetadata,
                "ocf:\(spec.provider):\(spec.type): meta-data failed with \(result.code): \(result.output.prefix(500))")
        }
        return try OCFMetadata(xml: result.output)
    }

    /// Validates the instance's parameters against the agent's meta-data: every
    /// `required="1"` parameter must be set. Returns one message per problem (empty
    /// when valid).
    public func validateParameters(timeout: Duration = .seconds(10)) async throws -> [String] {
        try await metadata(timeout: timeout).problems(with: spec.parameters, resource: spec.instance)
    }

    func environment(for request: ActionRequest, promotionFile: String) -> [String: String] {
        var env: [String: String] = [
            // The tools Vigil answers first: agents such as ocf:pacemaker:ping call
            // attrd_updater by name, not through HA_SBIN_DIR.
            "PATH": runtimeDirectory + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG": "C",
            // ocf-shellfuncs' crm_mon_no_validation runs "$SHELL -c" with a bash process
            // substitution.
            "SHELL": "/bin/bash",
            "OCF_ROOT": spec.ocfRoot,
            "OCF_FUNCTIONS_DIR": "\(spec.ocfRoot)/lib/heartbeat",
            "OCF_RA_VERSION_MAJOR": "1",
            "OCF_RA_VERSION_MINOR": "1",
            "OCF_RESOURCE_TYPE": spec.type,
            "OCF_RESOURCE_PROVIDER": spec.provider,
            "OCF_RESKEY_crm_feature_set": "3.16.2",
            "OCF_RESKEY_CRM_meta_name": request.action.rawValue,
            "OCF_RESKEY_CRM_meta_timeout": String(Self.milliseconds(request.timeout)),
            "OCF_RESKEY_CRM_meta_interval": String(Self.milliseconds(request.interval)),
            "HA_SBIN_DIR": runtimeDirectory + "/bin",
            "VIGIL_PROMOTION_FILE": promotionFile,
        ]
        var instance = spec.instance
        if let clone = spec.clone {
            for (key, value) in clone.variables { env["OCF_RESKEY_CRM_meta_\(key)"] = value }
            if clone.globallyUnique { instance += ":\(clone.instance)" }
        }
        env["OCF_RESOURCE_INSTANCE"] = instance
        for (key, value) in request.notification { env["OCF_RESKEY_CRM_meta_notify_\(key)"] = value }
        for (key, value) in shim?.environment ?? [:] { env[key] = value }
        for (key, value) in spec.parameters { env["OCF_RESKEY_\(key)"] = value }
        for (key, value) in spec.environment { env[key] = value }
        return env
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// The score the agent's `crm_attribute --promotion` left in `path`: a number or
    /// ±INFINITY, so at most 64 bytes are read whatever the agent wrote.
    static func readPromotionScore(_ path: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 64) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.uppercased() == "INFINITY" { return 1_000_000 }
        if text.uppercased() == "-INFINITY" { return -1_000_000 }
        return Int(text)
    }

    /// Links each of ``AttributeShim/names`` in `directory` to `executable` (replacing
    /// whatever is there, atomically).
    static func linkTools(in directory: String, to executable: String) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for name in AttributeShim.names {
                let path = directory + "/" + name
                if (try? fm.destinationOfSymbolicLink(atPath: path)) == executable { continue }
                let temp = path + ".tmp-\(UUID().uuidString)"
                try fm.createSymbolicLink(atPath: temp, withDestinationPath: executable)
                guard rename(temp, path) == 0 else {
                    _ = try? fm.removeItem(atPath: temp)
                    throw AgentsError(.fileError, "cannot install \(path): errno \(errno)")
                }
            }
        } catch let error as AgentsError {
            throw error
        } catch {
            throw AgentsError(.fileError, "cannot link the Pacemaker tools in \(directory) to \(executable): \(error)")
        }
    }

    static func installShim(in directory: String) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for name in PromotionShim.names {
                let path = directory + "/" + name
                if let existing = fm.contents(atPath: path), existing == Data(PromotionShim.script.utf8) { continue }
                let temp = path + ".tmp-\(UUID().uuidString)"
                try Data(PromotionShim.script.utf8).write(to: URL(fileURLWithPath: temp))
                try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temp)
                guard rename(temp, path) == 0 else {
                    _ = try? fm.removeItem(atPath: temp)
                    throw AgentsError(.fileError, "cannot install \(path): errno \(errno)")
                }
            }
        } catch {
            throw AgentsError(.fileError, "cannot install the crm_attribute shim in \(directory): \(error)")
        }
    }
}
