import Foundation
import Logging
import PropertyBased
import Synchronization
import Testing
import VigilAgents
import VigilHealth
import VigilModel
import VigilNode
import VigilCluster

/// Issue 10 §5: every configuration that validates builds the executors and probes an
/// agent would build, and runs them once, without trapping. Configurations are generated
/// with extreme durations (at and beyond every documented range), odd parameter names and
/// every agent and probe kind; the probes aim at closed ports, so each run ends at once.
@Suite("Valid configurations never trap")
struct ValidConfigPropertyTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func everyConfigurationThatValidatesBuildsAndRunsItsExecutorsAndProbes() async throws {
        let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-prop-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        let counts = Mutex((valid: 0, total: 0))
        try await withHealthChecker(logger: Self.quiet) { checker in
            await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000_000)) { seed in
                var rng = SplitMix64(seed: UInt64(seed))
                let yaml = Self.randomConfig(&rng)
                counts.withLock { $0.total += 1 }
                guard let config = try? ConfigDecoder.decode(yaml: yaml, file: "p.yaml") else { return }
                counts.withLock { $0.valid += 1 }
                for resource in config.resources {
                    await Self.exercise(resource, in: config, checker: checker, runtime: runtime, seed: seed)
                }
                for device in config.fenceDevices {
                    _ = ResourceMapping.fenceDevice(device)
                }
            }
        }
        let (valid, total) = counts.withLock { ($0.valid, $0.total) }
        // Not vacuous: a good share of the generated configurations validate.
        #expect(valid * 10 >= total, "only \(valid) of \(total) generated configurations validated")
    }

    static func exercise(_ resource: ResourceConfig, in config: ClusterConfig, checker: HealthChecker, runtime: String, seed: Int) async {
        do {
            // As an agent makes it: the resource as it runs on a node (its node-params, its
            // default RabbitMQ node name).
            let executor = try ResourceMapping.executor(
                for: resource.resolved(on: config.nodes.first?.name ?? "n1"), nodeCount: config.nodes.count, runtimeDirectory: runtime, ocfRoot: runtime + "/no-ocf", logger: quiet)
            if case .vip(let params) = resource.params {
                // What VIPExecutor refuses before running anything, validation refused first.
                let spec = VIPSpec(name: resource.name, ip: params.ip, cidr: params.cidr, interface: params.interface)
                let problems = VIPExecutor.problems(with: spec)
                #expect(problems.isEmpty, "seed \(seed): \(resource.name) validated but VIPExecutor refuses it: \(problems)")
            } else {
                // A monitor with the configured timeout and interval: the agent is not
                // installed (OCF) or nothing runs (process), so it answers at once.
                _ = await executor.perform(ActionRequest(.monitor, timeout: resource.monitor.timeout, interval: resource.monitor.interval))
            }
        } catch {
            // Only kinds with no executor yet may be refused, never a validated parameter.
            switch resource.agent {
            case .galera: break
            default: Issue.record("seed \(seed): \(resource.name) validated but its executor was refused: \(error)")
            }
        }
        for probe in ResourceMapping.probes(for: resource) {
            _ = ProbeStateMachine(rise: probe.rise, fall: probe.fall)
            // Each check starts with the configured timeout (where a conversion would trap)
            // and is cut short after a moment: an HTTP client retries a refused connection
            // until its own connect timeout (10 s), which would make this test minutes long.
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = await checker.check(probe) }
                group.addTask { try? await Task.sleep(for: .milliseconds(300)) }
                await group.next()
                group.cancelAll()
            }
        }
    }

    // MARK: - Generating configurations

    /// Beyond every range, and not durations at all.
    static let wildDurations = [
        "0", "1ms", "99ms", "6m", "25h", "721h", "5000000h", "999999999999h", "999999999999ms", "4294967296s", "-1s",
        "1.5s", "s",
    ]
    static let validNames = ["a", "state", "state_file", "_x", "OCF", "A1"]
    static let wildNames = ["state-file", "1st", "x.y", "ä", "passwd"]

    static func pick<T>(_ items: [T], _ rng: inout SplitMix64) -> T {
        items[Int.random(in: 0..<items.count, using: &rng)]
    }

    /// Mostly a value at an edge of `range` (or just inside it), so that many
    /// configurations validate with extreme values; sometimes a random or wild one, so that
    /// the limits are crossed too.
    static func duration(_ range: ClosedRange<Duration>, _ rng: inout SplitMix64) -> String {
        switch Int.random(in: 0..<12, using: &rng) {
        case 0: return "\(Int.random(in: 0...99_999, using: &rng))\(pick(["ms", "s", "m", "h"], &rng))"
        case 1: return pick(wildDurations, &rng)
        default:
            let edges = [range.lowerBound, range.lowerBound + .milliseconds(1), range.upperBound - .milliseconds(1), range.upperBound]
            return DurationParser.format(pick(edges, &rng))
        }
    }

    static func count(_ rng: inout SplitMix64) -> String {
        Int.random(in: 0..<8, using: &rng) == 0 ? pick(["0", "1001", "-1"], &rng) : pick(["1", "2", "1000"], &rng)
    }

    static func randomConfig(_ rng: inout SplitMix64) -> String {
        var cluster = "{name: p"
        if Bool.random(using: &rng) { cluster += ", node-loss-timeout: \(duration(InputLimits.Durations.nodeLoss, &rng))" }
        if Bool.random(using: &rng) { cluster += ", self-fence-margin: \(pick(["100ms", "400ms", "1s", "10s", "50ms"], &rng))" }
        let fencing = Int.random(in: 0..<4, using: &rng) == 0
        if fencing { cluster += ", fencing: devices" }
        var yaml = "cluster: \(cluster)}\nnodes: [{name: n1}, {name: n2}]\nresources:\n"
        for index in 0..<Int.random(in: 1...3, using: &rng) {
            yaml += resource(index, &rng)
        }
        if fencing {
            yaml += "fence-devices:\n  - {name: f, agent: fence_dummy, nodes: [n1, n2], timeout: \(duration(InputLimits.Durations.fence, &rng))}\n"
        }
        return yaml
    }

    static func resource(_ index: Int, _ rng: inout SplitMix64) -> String {
        var lines = ["  - name: r\(index)"]
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
            lines.append("    agent: process")
            lines.append("    params: {command: [/bin/true]}")
        case 1:
            lines.append("    agent: vip")
            let ip = pick(["198.18.0.\(Int.random(in: 1...254, using: &rng))", "01.2.3.4", "\"fd00::1\"", "\"::1.2.3\""], &rng)
            let interface = pick(["vigil-none0", "-dev", "e.0", "x123456789012345"], &rng)
            lines.append("    params: {ip: \(ip), cidr: 24, interface: \(interface)}")
        case 2:
            lines.append("    agent: \"ocf:heartbeat:Dummy\"")
            let names = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                Int.random(in: 0..<6, using: &rng) == 0 ? pick(wildNames, &rng) : pick(validNames, &rng)
            }
            let params = Set(names).sorted().map { "\"\($0)\": v" }.joined(separator: ", ")
            lines.append("    params: {\(params)}")
        default:
            let agent = pick(["galera", "rabbitmq"], &rng)
            lines.append("    agent: \(agent)")
            lines.append("    clone: {max: 2}")
            if agent == "galera" { lines.append("    params: {config: /etc/mysql/my.cnf}") }
            if agent == "rabbitmq" { lines.append("    params: {erlang-cookie-file: /etc/vigil/cookie, password-file: /etc/vigil/mq.pass}") }
        }
        if Bool.random(using: &rng) { lines.append("    monitor: {interval: \(duration(InputLimits.Durations.interval, &rng)), timeout: \(duration(InputLimits.Durations.timeout, &rng))}") }
        if Bool.random(using: &rng) { lines.append("    stop-timeout: \(duration(InputLimits.Durations.timeout, &rng))") }
        if Bool.random(using: &rng) { lines.append("    failure-timeout: \(duration(InputLimits.Durations.failureExpiry, &rng))") }
        let probes = Int.random(in: 0...2, using: &rng)
        if probes > 0 {
            lines.append("    health:")
            for _ in 0..<probes {
                let kind = pick([
                    "tcp: {port: 1}", "http: {url: \"http://127.0.0.1:1/\"}", "exec: {command: [/bin/true]}",
                    "mysql: {port: 1, user: m}", "galera: {port: 1, user: m}", "amqp: {port: 1, user: m}",
                ], &rng)
                var probe = "      - {\(kind)"
                if Bool.random(using: &rng) { probe += ", interval: \(duration(InputLimits.Durations.interval, &rng))" }
                if Bool.random(using: &rng) { probe += ", timeout: \(duration(InputLimits.Durations.timeout, &rng))" }
                if Bool.random(using: &rng) { probe += ", rise: \(count(&rng))" }
                if Bool.random(using: &rng) { probe += ", fall: \(count(&rng))" }
                lines.append(probe + "}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
