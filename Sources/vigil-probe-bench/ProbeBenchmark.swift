import Foundation
import NIOPosix
import Synchronization
import VigilAgents
import VigilHealth

/// 500 tcp + 500 http probes per second against local servers (by default).
enum ProbeBenchmark {
    final class Timestamps: Sendable {
        private let storage: Mutex<[[ContinuousClock.Instant]]>
        private let failures = Mutex(0)

        init(count: Int) { storage = Mutex(Array(repeating: [], count: count)) }

        func record(_ update: ProbeUpdate) {
            let now = ContinuousClock.now
            storage.withLock { $0[update.index].append(now) }
            if !update.result.passed { failures.withLock { $0 += 1 } }
        }

        var all: [[ContinuousClock.Instant]] { storage.withLock { $0 } }
        var failureCount: Int { failures.withLock { $0 } }
    }

    static func run(tcp: Int, http: Int, seconds: Int, interval: Duration) async throws {
        let tcpPort = Int.random(in: 20000..<30000)
        let httpPort = tcpPort + 1
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let server = ProcessExecutor(
            spec: ProcessSpec(name: "bench-server", command: ["taskset", "-c", "1", executable, "serve", String(tcpPort), String(httpPort)]))
        guard await server.perform(ActionRequest(.start)).code == .success else {
            print("cannot start the bench server")
            return
        }
        defer { _ = server }
        try await Task.sleep(for: .milliseconds(500))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var probes: [ProbeSpec] = []
        for _ in 0..<tcp {
            probes.append(ProbeSpec(kind: .tcp(TCPCheck(host: "127.0.0.1", port: tcpPort)), interval: interval, timeout: .seconds(1)))
        }
        for _ in 0..<http {
            probes.append(
                ProbeSpec(kind: .http(HTTPCheck(url: "http://127.0.0.1:\(httpPort)/")), interval: interval, timeout: .seconds(1)))
        }
        let stamps = Timestamps(count: probes.count)
        let allProbes = probes
        let rssBefore = Resources.rssKiB()
        let measured: (cpu: Duration, wall: Duration, rss: Int) = try await withHealthChecker(eventLoopGroup: group) { checker in
            await withTaskGroup(of: Void.self, returning: (cpu: Duration, wall: Duration, rss: Int).self) { tasks in
                tasks.addTask { await ProbeRunner(probes: allProbes, checker: checker, spread: true).run { stamps.record($0) } }
                // Warm-up: one interval, then measure.
                try? await Task.sleep(for: interval * 2)
                let cpu0 = Resources.cpuTime()
                let wall0 = ContinuousClock.now
                let count0 = stamps.all.reduce(0) { $0 + $1.count }
                try? await Task.sleep(for: .seconds(seconds))
                let cpu = Resources.cpuTime() - cpu0
                let wall = ContinuousClock.now - wall0
                let rss = Resources.rssKiB()
                tasks.cancelAll()
                _ = count0
                return (cpu, wall, rss)
            }
        }
        _ = await server.perform(ActionRequest(.stop, timeout: .seconds(2)))
        try await group.shutdownGracefully()
        // Checks whose result arrived inside the measured window, and gaps between checks.
        let series = stamps.all
        var gaps: [Duration] = []
        var total = 0
        for times in series where times.count > 1 {
            total += times.count
            for (a, b) in zip(times, times.dropFirst()) { gaps.append(b - a) }
        }
        let windowChecks = Double(total) * (measured.wall.milliseconds / 1000) / (measured.wall.milliseconds / 1000 + 2 * interval.milliseconds / 1000)
        let rate = windowChecks / (measured.wall.milliseconds / 1000)
        let target = Double(probes.count) / (interval.milliseconds / 1000)
        let cpuPerCheck = measured.cpu.microseconds / max(1, windowChecks)
        print(
            """
            probes: \(tcp) tcp + \(http) http, interval \(interval), measured \(seconds) s, CPUs allowed: \(Resources.allowedCPUs())
            checks/s: \(String(format: "%.0f", rate)) (target \(String(format: "%.0f", target))), failed checks: \(stamps.failureCount)
            gap between checks of one probe: p50 \(String(format: "%.1f", gaps.percentile(0.5).milliseconds)) ms, p99 \(String(format: "%.1f", gaps.percentile(0.99).milliseconds)) ms, max \(String(format: "%.1f", gaps.percentile(1).milliseconds)) ms
            CPU: \(String(format: "%.1f", measured.cpu.milliseconds / measured.wall.milliseconds * 100))% of one core, \(String(format: "%.0f", cpuPerCheck)) µs per check
            memory: RSS \(measured.rss / 1024) MiB with probes running (\(rssBefore / 1024) MiB before), \(String(format: "%.1f", Double(measured.rss - rssBefore) / Double(probes.count))) KiB per probe
            """)
    }
}
