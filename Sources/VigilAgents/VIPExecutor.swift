public import Logging
public import VigilCommand

#if canImport(Glibc)
import Glibc
#endif

/// Adds, removes and monitors a virtual IP address with iproute2 (`agent: vip`); whether it
/// is on its interface is read in-process (``InterfaceAddresses``) when it lives in the
/// agent's own network namespace.
///
/// After adding an address it announces it, `announceCount` times and in the background
/// (the start returns once the address is there): gratuitous ARP for IPv4, unsolicited
/// neighbour advertisements for IPv6 (which is also added with `nodad` and
/// `ndisc_notify` enabled on the interface, so the kernel announces it too). All values are
/// validated and passed as separate arguments, never through a shell.
public struct VIPExecutor: ResourceExecutor {
    /// The address managed.
    public let spec: VIPSpec
    private let runner: CommandRunner
    private let logger: Logger
    private let searchPath: [String]
    /// The announcements of the last start, still being sent: cancelled by the next start
    /// or stop (copies of the executor share it).
    private let announcements = BackgroundTask()

    /// Creates an executor that finds `ip`, `arping` and the other tools in `searchPath`.
    public init(
        spec: VIPSpec, runner: CommandRunner = CommandRunner(), logger: Logger = Logger(label: "vigil.vip"),
        searchPath: [String] = Command.defaultSearchPath
    ) {
        self.spec = spec
        self.runner = runner
        self.logger = logger
        self.searchPath = searchPath
    }

    /// Performs start, stop, monitor or validate; other actions are unimplemented.
    public func perform(_ request: ActionRequest) async -> ActionResult {
        let started = ContinuousClock.now
        var result: ActionResult
        if request.action != .metaData, let problem = Self.problems(with: spec).first {
            result = ActionResult(code: .notConfigured, output: problem)
        } else {
            switch request.action {
            case .start: result = await start(timeout: request.timeout)
            case .stop: result = await stop(timeout: request.timeout)
            case .monitor: result = await monitor(timeout: request.timeout)
            case .validate: result = await validateInterface(timeout: request.timeout)
            default: result = ActionResult(code: .unimplemented, output: "vip: \(request.action.rawValue) is not implemented")
            }
        }
        result.duration = ContinuousClock.now - started
        return result
    }

    /// Checks the spec without running anything: one message per problem.
    public static func problems(with spec: VIPSpec) -> [String] {
        var problems: [String] = []
        var buffer = [UInt8](repeating: 0, count: 16)
        let family = spec.isIPv6 ? AF_INET6 : AF_INET
        if inet_pton(family, spec.ip, &buffer) != 1 {
            problems.append("\(spec.name): ip '\(spec.ip)' is not a valid IPv\(spec.isIPv6 ? 6 : 4) address")
        }
        let maxPrefix = spec.isIPv6 ? 128 : 32
        if spec.cidr < 0 || spec.cidr > maxPrefix {
            problems.append("\(spec.name): cidr \(spec.cidr) is out of range 0–\(maxPrefix)")
        }
        let validInterface = !spec.interface.isEmpty && spec.interface.utf8.count < 16 && !spec.interface.hasPrefix("-")
            && spec.interface.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x2F && $0 != 0x3A }
        if !validInterface {
            problems.append("\(spec.name): interface '\(spec.interface)' is not a valid interface name")
        }
        return problems
    }

    private var address: String { "\(spec.ip)/\(spec.cidr)" }

    private func ip(_ arguments: [String], timeout: Duration) async -> Result<CommandResult, CommandError> {
        var argv: [String] = []
        if let namespace = spec.namespace { argv += ["-n", namespace] }
        return await run("ip", argv + arguments, timeout: timeout)
    }

    private func run(_ program: String, _ arguments: [String], timeout: Duration) async -> Result<CommandResult, CommandError> {
        do {
            return .success(try await runner.run(Command(executable: program, arguments: arguments, timeout: timeout, searchPath: searchPath)))
        } catch let error as CommandError {
            return .failure(error)
        } catch {
            return .failure(CommandError(.spawnFailed, "\(program): \(error)"))
        }
    }

    private func inNamespace(_ program: String, _ arguments: [String], timeout: Duration) async -> Result<CommandResult, CommandError> {
        if let namespace = spec.namespace {
            return await run("ip", ["netns", "exec", namespace, program] + arguments, timeout: timeout)
        }
        return await run(program, arguments, timeout: timeout)
    }

    private enum Presence {
        case present, absent, failed(ActionResult)
    }

    private func isPresent(timeout: Duration) async -> Presence {
        if spec.namespace == nil {
            switch InterfaceAddresses.lookup(ip: spec.ip, prefixLength: spec.cidr, interface: spec.interface, ipv6: spec.isIPv6) {
            case .present: return .present
            case .absent: return .absent
            case .noInterface:
                return .failed(ActionResult(code: .notConfigured, output: "\(spec.name): interface \(spec.interface) does not exist"))
            case .unreadable:
                break  // `ip` below says why, or does better
            }
        }
        switch await ip(["-o", spec.isIPv6 ? "-6" : "-4", "addr", "show", "dev", spec.interface], timeout: timeout) {
        case .failure(let error):
            return .failed(ActionResult(code: error.code == .notInstalled ? .notInstalled : .genericError, output: error.message))
        case .success(let result):
            guard result.exitStatus == 0 else {
                return .failed(ActionResult(code: .notConfigured, output: "\(spec.name): interface \(spec.interface): \(result.output)"))
            }
            let needle = (spec.isIPv6 ? " inet6 " : " inet ") + address + " "
            return result.output.split(separator: "\n").contains { $0.contains(needle) } ? .present : .absent
        }
    }

    private func monitor(timeout: Duration) async -> ActionResult {
        switch await isPresent(timeout: timeout) {
        case .failed(let result): return result
        case .present: return ActionResult(code: .success, output: "\(address) is on \(spec.interface)")
        case .absent: return ActionResult(code: .notRunning, output: "\(address) is not on \(spec.interface)")
        }
    }

    private func validateInterface(timeout: Duration) async -> ActionResult {
        if case .failed(let result) = await isPresent(timeout: timeout) { return result }
        return ActionResult(code: .success)
    }

    private func start(timeout: Duration) async -> ActionResult {
        switch await isPresent(timeout: timeout) {
        case .failed(let result): return result
        case .present: return ActionResult(code: .success, output: "\(address) already on \(spec.interface)")
        case .absent: break
        }
        var add = ["addr", "add", address, "dev", spec.interface]
        if spec.isIPv6 {
            // Unsolicited neighbour advertisement when the address becomes valid.
            _ = await inNamespace("sysctl", ["-qw", "net/ipv6/conf/\(spec.interface)/ndisc_notify=1"], timeout: timeout)
            add.append("nodad")
        }
        switch await ip(add, timeout: timeout) {
        case .failure(let error):
            return ActionResult(code: error.code == .notInstalled ? .notInstalled : .genericError, output: error.message)
        case .success(let result) where result.exitStatus != 0:
            return ActionResult(code: .genericError, output: "ip addr add \(address) dev \(spec.interface): \(result.output)")
        case .success:
            break
        }
        var output = "added \(address) to \(spec.interface)"
        if spec.announceCount > 0 {
            // In the background, as IPaddr2's arp_bg does: the first packet leaves at once,
            // and the services ordered after the address do not wait for the repeats
            // (send_arp sleeps its interval after every packet, the last one too).
            let count = spec.announceCount
            let logger = logger
            let name = spec.name
            announcements.replace(
                Task { [self] in
                    let outcome = await announce(count: count, timeout: .seconds(5))
                    logger.debug("vip announced", metadata: ["resource": "\(name)", "result": "\(outcome)"])
                })
            output += "; announcing it (\(count) times)"
        }
        logger.info("vip added", metadata: ["resource": "\(spec.name)", "address": "\(address)", "interface": "\(spec.interface)"])
        return ActionResult(code: .success, output: output)
    }

    /// Sends gratuitous ARP (IPv4) or unsolicited neighbour advertisements (IPv6) with
    /// resource-agents' `send_arp`/`send_ua` (which exit once sent), else `arping -U`
    /// bounded to 100 ms per packet (arping itself lingers a second after sending).
    private func announce(count announcements: Int, timeout: Duration) async -> String {
        let count = String(announcements)
        let helper: (String, [String])
        if spec.isIPv6 {
            helper = (Self.sendUA, ["-i", "50", "-c", count, spec.ip, String(spec.cidr), spec.interface])
        } else {
            helper = (Self.sendARP, ["-i", "50", "-r", count, spec.interface, spec.ip, "auto", "not_used", "not_used"])
        }
        if ExecutableLookup.isExecutableFile(helper.0) {
            switch await inNamespace(helper.0, helper.1, timeout: timeout) {
            case .success(let result) where result.exitStatus == 0:
                return spec.isIPv6 ? "unsolicited neighbour advertisement sent" : "gratuitous ARP sent"
            case .success(let result):
                return "announcement failed: \(result.output)"
            case .failure(let error):
                return "announcement not sent: \(error.message)"
            }
        }
        if spec.isIPv6 { return "no send_ua; relying on ndisc_notify" }
        let limit = min(timeout, .milliseconds(100) * announcements)
        switch await inNamespace("arping", ["-q", "-U", "-c", count, "-I", spec.interface, spec.ip], timeout: limit) {
        case .success(let result) where result.exitStatus == 0 || result.termination == .timedOut:
            return "gratuitous ARP sent"
        case .success(let result):
            return "gratuitous ARP failed: \(result.output)"
        case .failure(let error):
            return "gratuitous ARP not sent: \(error.message)"
        }
    }

    static let sendARP = "/usr/libexec/heartbeat/send_arp"
    static let sendUA = "/usr/libexec/heartbeat/send_ua"

    private func stop(timeout: Duration) async -> ActionResult {
        announcements.replace(nil)
        switch await isPresent(timeout: timeout) {
        case .failed(let result):
            // A vanished interface also means the address is gone.
            return result.code == .notConfigured ? ActionResult(code: .success, output: result.output) : result
        case .absent: return ActionResult(code: .success, output: "\(address) not on \(spec.interface)")
        case .present: break
        }
        switch await ip(["addr", "del", address, "dev", spec.interface], timeout: timeout) {
        case .failure(let error):
            return ActionResult(code: .genericError, output: error.message)
        case .success(let result) where result.exitStatus != 0:
            return ActionResult(code: .genericError, output: "ip addr del \(address): \(result.output)")
        case .success:
            logger.info("vip removed", metadata: ["resource": "\(spec.name)", "address": "\(address)"])
            return ActionResult(code: .success, output: "removed \(address) from \(spec.interface)")
        }
    }
}
