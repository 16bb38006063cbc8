import Foundation
import Synchronization
import Testing
import VigilHealth

/// Collects runner updates across tasks.
final class UpdateLog: Sendable {
    private let updates = Mutex<[ProbeUpdate]>([])

    func append(_ update: ProbeUpdate) { updates.withLock { $0.append(update) } }

    var all: [ProbeUpdate] { updates.withLock { $0 } }

    func of(_ index: Int) -> [ProbeUpdate] { all.filter { $0.index == index } }
}

@Suite("probe runner")
struct ProbeRunnerTests {
    @Test("rise and fall drive state changes on the probe's interval")
    func riseFall() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let flag = dir.file("up")
        let probe = ProbeSpec(
            name: "flag", kind: .exec(ExecCheck(command: ["/usr/bin/test", "-e", flag])), interval: .milliseconds(50),
            timeout: .seconds(2), rise: 2, fall: 3)
        let log = UpdateLog()
        let reached = try await withHealthChecker { checker in
            await withTaskGroup(of: Void.self, returning: [Bool].self) { group in
                group.addTask { await ProbeRunner(probes: [probe], checker: checker).run { log.append($0) } }
                var reached: [Bool] = []
                reached.append(await eventually { log.all.last?.state == .unhealthy })
                try? dir.write("up", "")
                reached.append(await eventually { log.all.last?.state == .healthy })
                try? FileManager.default.removeItem(atPath: flag)
                reached.append(await eventually { log.all.last?.state == .unhealthy })
                group.cancelAll()
                return reached
            }
        }
        #expect(reached == [true, true, true])
        let updates = log.all
        let changes = updates.filter(\.changed).map(\.state)
        #expect(changes == [.unhealthy, .healthy, .unhealthy])
        // Exactly `rise` passes lead to healthy, `fall` failures to unhealthy.
        if let healthy = updates.firstIndex(where: { $0.changed && $0.state == .healthy }) {
            #expect(updates[healthy - 1].result.passed && !updates[healthy - 2].result.passed)
        }
    }

    @Test("hanging probes, blocking C calls included, never delay another probe")
    func hangingProbesDoNotDelayOthers() async throws {
        let silent = try SilentServer()
        defer { silent.close() }
        let listener = try SilentServer()
        defer { listener.close() }
        var probes = [
            ProbeSpec(name: "fast", kind: .tcp(TCPCheck(host: "127.0.0.1", port: listener.port)), interval: .milliseconds(100), timeout: .seconds(1))
        ]
        for index in 0..<8 {
            let connection = MySQLConnection(host: "127.0.0.1", port: silent.port, user: "x")
            probes.append(ProbeSpec(name: "mysql-\(index)", kind: .mysql(MySQLCheck(connection: connection)), interval: .seconds(1), timeout: .seconds(10)))
            probes.append(ProbeSpec(name: "amqp-\(index)", kind: .amqp(AMQPCheck(port: silent.port, user: "x")), interval: .seconds(1), timeout: .seconds(10)))
            probes.append(ProbeSpec(name: "http-\(index)", kind: .http(HTTPCheck(url: "http://127.0.0.1:\(silent.port)/")), interval: .seconds(1), timeout: .seconds(10)))
        }
        let log = UpdateLog()
        let window = Duration.milliseconds(1500)
        let allProbes = probes
        let cancelled = try await withHealthChecker { checker in
            await withTaskGroup(of: Void.self, returning: ContinuousClock.Instant.self) { group in
                group.addTask { await ProbeRunner(probes: allProbes, checker: checker).run { log.append($0) } }
                try? await Task.sleep(for: window)
                let cancelled = ContinuousClock.now
                group.cancelAll()
                return cancelled
            }
        }
        let stopTook = ContinuousClock.now - cancelled
        let fast = log.of(0)
        // 15 on an idle machine; were the blocking calls on the cooperative pool, the
        // 16 hung mysql/amqp checks would stall everything for 10 s (0–1 runs).
        #expect(fast.count >= 6, "the fast probe ran \(fast.count) times in \(window)")
        #expect(fast.allSatisfy { $0.result.passed })
        // The hung checks were still waiting (their 10 s timeout had not passed).
        #expect(log.all.count == fast.count)
        #expect(stopTook < .seconds(1), "cancelling the runner took \(stopTook)")
    }

    @Test("intervals are measured on the injected clock")
    func injectedClock() async throws {
        let clock = ManualClock()
        let probe = ProbeSpec(name: "true", kind: .exec(ExecCheck(command: ["/bin/true"])), interval: .seconds(10), timeout: .seconds(5))
        let log = UpdateLog()
        let counts = try await withHealthChecker(clock: clock) { checker in
            await withTaskGroup(of: Void.self, returning: [Int].self) { group in
                group.addTask { await ProbeRunner(probes: [probe], checker: checker, clock: clock).run { log.append($0) } }
                var counts: [Int] = []
                _ = await eventually { log.all.count == 1 && clock.sleeperCount == 1 }
                try? await Task.sleep(for: .milliseconds(300))  // real time passes; the manual clock does not
                counts.append(log.all.count)
                clock.advance(by: .seconds(9))
                try? await Task.sleep(for: .milliseconds(100))
                counts.append(log.all.count)
                clock.advance(by: .seconds(1))
                _ = await eventually { log.all.count == 2 }
                counts.append(log.all.count)
                group.cancelAll()
                return counts
            }
        }
        #expect(counts == [1, 1, 2])
        #expect(log.all.allSatisfy { $0.result.passed })
    }
}
