import Foundation
import Logging
import VigilCluster
import VigilKit
import VigilStore

/// Three processes competing for one VigilKit leadership on a ``MemoryStore`` under a test
/// clock, on one seeded executor, with random SIGKILLs (the process and its session die;
/// the lease runs out), SIGSTOPs (its clock and its store freeze; time goes on) and
/// partitions (its store hangs or refuses while it runs). Checked at every step: at most
/// one process not frozen runs a leader's body, bodies begin in increasing token order,
/// and etcd refuses every write guarded by a token older than the newest leader's.
final class LeadershipSimulation {
    final class Process {
        let index: Int
        var incarnation = 0
        var store: FlakyStore?
        var clock: PausableClock?
        var task: Task<Void, Never>?
        var frozenUntil: Duration?
        var partitionedUntil: Duration?
        var deadUntil: Duration?

        init(index: Int) {
            self.index = index
        }
    }

    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    let seed: Int
    var rng: SplitMix64
    let clock = TestClock()
    let executor: SimTaskExecutor
    let memory: MemoryStore
    let ledger = LeadershipLedger()
    let ttl: Duration
    let processes = (0..<3).map(Process.init(index:))
    var trace: [String] = []
    var faults = 0

    init(seed: Int) throws {
        self.seed = seed
        var rng = SplitMix64(seed: UInt64(seed))
        ttl = .seconds(Int.random(in: 1...3, using: &rng))
        self.rng = rng
        executor = SimTaskExecutor(seed: UInt64(seed) &+ 1)
        memory = try MemoryStore(clock: clock, logger: Self.quiet)
    }

    var now: Duration { clock.now.offset }

    func start(_ process: Process) {
        process.incarnation += 1
        let store = FlakyStore(memory, clock: clock, executor: executor)
        let pausable = PausableClock(clock)
        process.store = store
        process.clock = pausable
        process.deadUntil = nil
        let ledger = self.ledger
        let ttl = self.ttl
        let base = clock
        let index = process.index
        let identity = "p\(index)-\(process.incarnation)"
        trace.append("\(now) start \(identity)")
        guard
            let vigil = try? Vigil(
                store: store, keyspace: Keyspace(cluster: "sim"), node: "n\(index)", identity: identity, clock: pausable,
                logger: Self.quiet)
        else {
            ledger.violation("cannot make a Vigil for \(identity)")
            return
        }
        process.task = Task(executorPreference: executor) {
            while !Task.isCancelled {
                do {
                    try await vigil.withLeadership("job", ttl: ttl) { token in
                        ledger.begin(process: index, token: token.revision, at: base.now.offset)
                        defer { ledger.end(token: token.revision, at: base.now.offset) }
                        while true {
                            try await pausable.sleep(for: .milliseconds(100))
                            _ = ledger.guardedWrite(token: token.revision)
                            do {
                                try await vigil.write(Array("\(token.revision)".utf8), to: "result", token: token)
                                ledger.etcdWrite(token: token.revision, succeeded: true, at: base.now.offset)
                            } catch let error as VigilKitError where error.code == .staleToken {
                                ledger.etcdWrite(token: token.revision, succeeded: false, at: base.now.offset)
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    try? await pausable.sleep(for: .milliseconds(50))
                }
            }
        }
    }

    func kill(_ process: Process) {
        trace.append("\(now) SIGKILL p\(process.index)-\(process.incarnation)")
        process.store?.mode = .failing
        process.task?.cancel()
        process.clock?.resume()
        process.frozenUntil = nil
        process.partitionedUntil = nil
        process.deadUntil = now + .milliseconds(Int.random(in: 500...4000, using: &rng))
    }

    func injectFault() {
        let alive = processes.filter { $0.deadUntil == nil }
        guard let process = alive.randomElement(using: &rng) else { return }
        faults += 1
        switch Int.random(in: 0..<4, using: &rng) {
        case 0:
            kill(process)
        case 1:
            guard process.frozenUntil == nil else { return }
            let length = Duration.milliseconds(Int.random(in: 200...6000, using: &rng))
            trace.append("\(now) SIGSTOP p\(process.index) for \(length)")
            process.clock?.pause()
            process.store?.mode = .silent
            process.frozenUntil = now + length
        default:
            guard process.frozenUntil == nil, process.partitionedUntil == nil else { return }
            let silent = Bool.random(using: &rng)
            let length = Duration.milliseconds(Int.random(in: 200...6000, using: &rng))
            trace.append("\(now) partition p\(process.index) (\(silent ? "silent" : "refusing")) for \(length)")
            process.store?.mode = silent ? .silent : .failing
            process.partitionedUntil = now + length
        }
    }

    func heal() {
        for process in processes {
            if let until = process.frozenUntil, now >= until {
                trace.append("\(now) SIGCONT p\(process.index)")
                process.frozenUntil = nil
                process.store?.mode = process.partitionedUntil == nil ? .normal : .failing
                process.clock?.resume()
            }
            if let until = process.partitionedUntil, now >= until {
                trace.append("\(now) heal p\(process.index)")
                process.partitionedUntil = nil
                if process.frozenUntil == nil { process.store?.mode = .normal }
            }
            if let until = process.deadUntil, now >= until { start(process) }
        }
    }

    func check(step: Int) throws {
        let frozen = Set(processes.filter { $0.frozenUntil != nil || $0.deadUntil != nil }.map(\.index))
        let running = ledger.running(excludingFrozen: frozen)
        if running.count > 1 {
            ledger.violation("step \(step) at \(now): \(running.count) leaders run at once: \(running.map { "p\($0.process)@\($0.token)" })")
        }
        if let violation = ledger.violations.first {
            throw TestFailure("seed \(seed) (ttl \(ttl)): \(violation)\n" + trace.suffix(30).joined(separator: "\n"))
        }
    }

    /// Runs the scenario: faults for `faultSteps` steps, then everything healed for long
    /// enough that a leader must be elected.
    func run(faultSteps: Int = 500, settleSteps: Int = 120) async throws {
        let memory = self.memory
        let expiry = Task(executorPreference: executor) { await memory.run() }
        for process in processes { start(process) }
        defer {
            for process in processes {
                process.store?.mode = .failing
                process.task?.cancel()
                process.clock?.resume()
            }
            expiry.cancel()
            for _ in 0..<20 {
                clock.advance(by: .seconds(60))
                executor.runUntilIdle()
            }
        }
        for step in 0..<(faultSteps + settleSteps) {
            if step < faultSteps, Int.random(in: 0..<100, using: &rng) < 3 { injectFault() }
            if step == faultSteps {
                for process in processes {
                    process.frozenUntil = process.frozenUntil.map { _ in now }
                    process.partitionedUntil = process.partitionedUntil.map { _ in now }
                    process.deadUntil = process.deadUntil.map { _ in now }
                }
            }
            heal()
            clock.advance(by: .milliseconds(Int.random(in: 50...100, using: &rng)))
            executor.runUntilIdle()
            try check(step: step)
        }
        let frozen = Set(processes.filter { $0.frozenUntil != nil || $0.deadUntil != nil }.map(\.index))
        let leaders = ledger.running(excludingFrozen: frozen)
        guard leaders.count == 1 else {
            throw TestFailure("seed \(seed): \(leaders.count) leaders after every fault healed\n" + trace.suffix(30).joined(separator: "\n"))
        }
    }
}
