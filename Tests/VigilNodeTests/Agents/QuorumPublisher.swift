import Foundation
import Glibc
import Synchronization
@testable import VigilHealth

/// A client as OpenStack services use RabbitMQ: it knows every broker and moves to the
/// next when one fails. It publishes numbered persistent messages, one at a time with
/// publisher confirms, to durable quorum queue `queue`, and logs each confirmed number
/// with its time. A message whose confirm did not arrive is never published again (so
/// the check after a scenario is exact: every confirmed number exactly once, any other at
/// most once).
final class QuorumPublisher: Sendable {
    struct Log {
        var confirmed: [Int: ContinuousClock.Instant] = [:]
        var attempted = 0
        var errors: [String] = []
        var stop = false
        var done = false
    }

    let brokers: [Broker]
    let queue: String
    /// A network namespace (`/run/netns/NAME`) the client's threads enter first: a client
    /// host of a lab in namespaces.
    let namespace: String?
    private let log = Mutex(Log())

    struct Broker: Sendable {
        var host: String
        var port: Int
    }

    init(ports: [Int], queue: String = "vigil-test-orders") {
        self.brokers = ports.map { Broker(host: "127.0.0.1", port: $0) }
        self.queue = queue
        self.namespace = nil
    }

    init(brokers: [Broker], namespace: String?, queue: String = "vigil-test-orders") {
        self.brokers = brokers
        self.queue = queue
        self.namespace = namespace
    }

    /// Runs `body` on the calling thread inside ``namespace`` (network namespaces are per
    /// thread), then puts the thread back where it was: a thread left in the lab's
    /// namespace hands it to every thread it creates — the concurrency runtime grows its
    /// pool from whichever thread enqueues work, such as this one resuming a continuation —
    /// and everything such a thread spawns or connects to (etcd members on 127.0.0.1 in
    /// later tests) would be in the lab's namespace. nil when it cannot enter.
    static func inNamespace<T>(_ namespace: String?, _ body: () -> T) -> T? {
        guard let namespace else { return body() }
        // setns(2) is not in Swift's Glibc module (it needs _GNU_SOURCE): looked up by name.
        typealias SetNS = @convention(c) (Int32, Int32) -> Int32
        guard let libc = dlopen(nil, RTLD_LAZY), let symbol = dlsym(libc, "setns") else { return nil }
        let setns = unsafeBitCast(symbol, to: SetNS.self)
        let newNetwork: Int32 = 0x4000_0000  // CLONE_NEWNET
        let original = open("/proc/thread-self/ns/net", O_RDONLY)
        guard original >= 0 else { return nil }
        defer { close(original) }
        let target = open("/run/netns/\(namespace)", O_RDONLY)
        guard target >= 0 else { return nil }
        let entered = setns(target, newNetwork) == 0
        close(target)
        guard entered else { return nil }
        let result = body()
        precondition(setns(original, newNetwork) == 0, "cannot return the thread to its network namespace")
        return result
    }

    /// Starts publishing on a thread of its own until ``stop()``.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "quorum-publisher"
        thread.start()
    }

    /// Stops publishing and waits for the thread to finish.
    func stop() async {
        log.withLock { $0.stop = true }
        while !log.withLock({ $0.done }) { try? await Task.sleep(for: .milliseconds(20)) }
    }

    var confirmedCount: Int { log.withLock { $0.confirmed.count } }
    var confirmed: [Int: ContinuousClock.Instant] { log.withLock { $0.confirmed } }
    var errors: [String] { log.withLock { $0.errors } }

    /// The longest time between two consecutive confirms after `since` (the outage a
    /// publisher saw), and when confirms resumed after it.
    func longestGap(after since: ContinuousClock.Instant) -> Duration {
        let times = log.withLock { $0.confirmed.values.filter { $0 >= since } }.sorted()
        var longest: Duration = .zero
        var previous = since
        for time in times {
            longest = max(longest, time - previous)
            previous = time
        }
        return longest
    }

    /// The first confirm at or after `since`.
    func firstConfirm(after since: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        log.withLock { $0.confirmed.values.filter { $0 >= since }.min() }
    }

    private func run() {
        let entered = Self.inNamespace(namespace) { publish() } != nil
        log.withLock {
            if !entered { $0.errors.append("cannot enter network namespace \(namespace ?? "")") }
            $0.done = true
        }
    }

    private func publish() {
        var next = 1
        var broker = 0
        var session: AMQPSession?
        while !log.withLock({ $0.stop }) {
            do throws(AMQPSession.Failure) {
                if session == nil {
                    let target = brokers[broker % brokers.count]
                    session = try AMQPSession(host: target.host, port: target.port, vhost: "/", user: "guest", password: "guest", timeout: .seconds(2))
                    try session?.declareQuorumQueue(queue)
                }
                let number = next
                next += 1
                log.withLock { $0.attempted = number }
                try session?.publishConfirmed("m-\(number)", to: queue)
                let now = ContinuousClock.now
                log.withLock { $0.confirmed[number] = now }
            } catch {
                log.withLock { if $0.errors.count < 200 { $0.errors.append(error.description) } }
                session = nil
                broker += 1
                usleep(50_000)
            }
        }
    }

    /// Consumes every message of the queue through the first broker that answers and
    /// checks it against the log: each confirmed number exactly once, nothing twice, no
    /// number never published. Returns the problems (empty: none lost, none duplicated).
    func verify(timeout: Duration = .seconds(60)) async -> [String] {
        let snapshot = log.withLock { ($0.confirmed, $0.attempted) }
        let queue = self.queue
        let brokers = self.brokers
        let namespace = self.namespace
        // Consumed messages are kept across attempts (a get is acknowledged as it is
        // delivered): an attempt cut short by a broker still recovering loses nothing.
        let outcome = await BlockingCall.run { () -> Result<[String], AMQPSession.Failure> in
            Self.inNamespace(namespace) { Self.consume(queue: queue, brokers: brokers, timeout: timeout) }
                ?? .failure(AMQPSession.Failure(description: "cannot enter \(namespace ?? "")"))
        }
        guard case .success(let bodies)? = outcome else {
            if case .failure(let error)? = outcome { return ["could not consume: \(error.description)"] }
            return ["could not consume: cancelled"]
        }
        var seen: [Int: Int] = [:]
        var problems: [String] = []
        for body in bodies {
            guard body.hasPrefix("m-"), let number = Int(body.dropFirst(2)) else {
                problems.append("unexpected message \(body.prefix(40))")
                continue
            }
            seen[number, default: 0] += 1
        }
        let lost = snapshot.0.keys.filter { seen[$0] == nil }.sorted()
        if !lost.isEmpty { problems.append("\(lost.count) confirmed messages lost: \(lost.prefix(20))") }
        let twice = seen.filter { $0.value > 1 }.keys.sorted()
        if !twice.isEmpty { problems.append("\(twice.count) messages delivered more than once: \(twice.prefix(20))") }
        let invented = seen.keys.filter { $0 > snapshot.1 || $0 < 1 }.sorted()
        if !invented.isEmpty { problems.append("numbers never published: \(invented.prefix(20))") }
        return problems
    }

    /// Gets every message of `queue` through the first broker that answers (on the calling
    /// thread, which blocks).
    private static func consume(queue: String, brokers: [Broker], timeout: Duration) -> Result<[String], AMQPSession.Failure> {
        var bodies: [String] = []
        var lastError = AMQPSession.Failure(description: "no broker")
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for target in brokers {
                do throws(AMQPSession.Failure) {
                    let session = try AMQPSession(host: target.host, port: target.port, vhost: "/", user: "guest", password: "guest", timeout: .seconds(10))
                    try session.declareQuorumQueue(queue)
                    while let body = try session.get(queue) { bodies.append(body) }
                    return .success(bodies)
                } catch {
                    lastError = error
                }
            }
            usleep(500_000)
        }
        return .failure(lastError)
    }
}
