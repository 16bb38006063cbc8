import VigilNode
import VigilCluster

/// A randomized model of one agent, its network and the store's lease table, driving a
/// ``MembershipMachine`` exactly as the driver does. Records every violation of the
/// self-fence rule.
struct MembershipSimulation {
    enum Message {
        case keepAliveArrives(lease: Int64, sentAt: Duration, attempt: Int)
        case keepAliveAnswer(lease: Int64, sentAt: Duration, ttl: Duration?, attempt: Int)
        case grantArrives(sentAt: Duration, attempt: Int)
        case joinAnswer(lease: Int64, sentAt: Duration, attempt: Int)
        case giveUp(attempt: Int)
    }

    var rng: SplitMix64
    var machine: MembershipMachine
    let ttl: Duration
    let lossPercent: Int
    let maxDelayMs: Int
    /// Extra life etcd may give a lease (leader change); only ever later, never earlier.
    let extensionMs: Int
    var now: Duration = .zero
    var storeExpiry: [Int64: Duration] = [:]
    var nextLease: Int64 = 1
    var pending: [(at: Duration, seq: Int, message: Message)] = []
    var seq = 0
    var attempt = 0
    var outstanding: Int?
    var fences: [(lease: Int64, at: Duration)] = []
    var joins: [Int64] = []
    var violations: [String] = []

    init(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        ttl = .seconds(Int.random(in: 1...10, using: &rng))
        let policy = MembershipPolicy(ttl: ttl)
        machine = MembershipMachine(policy: policy)
        lossPercent = [0, 0, 5, 20, 50, 100][Int.random(in: 0...5, using: &rng)]
        maxDelayMs = [1, 20, 100, 500, 3000][Int.random(in: 0...4, using: &rng)]
        extensionMs = Bool.random(using: &rng) ? 0 : Int.random(in: 0...3000, using: &rng)
        self.rng = rng
    }

    mutating func delay() -> Duration { .milliseconds(Int.random(in: 0...maxDelayMs, using: &rng)) }
    mutating func lost() -> Bool { Int.random(in: 0..<100, using: &rng) < lossPercent }

    mutating func schedule(_ message: Message, at: Duration) {
        seq += 1
        pending.append((at, seq, message))
    }

    func storeAlive(_ lease: Int64, at time: Duration) -> Bool {
        guard let expiry = storeExpiry[lease] else { return false }
        return time < expiry
    }

    mutating func run(until end: Duration) {
        while now < end {
            deliverDue()
            perform(machine.tick(now: now))
            check()
            var next = now + .milliseconds(Int.random(in: 1...400, using: &rng))
            if let wakeup = machine.nextWakeup { next = min(next, max(wakeup, now)) }
            if let due = pending.map(\.at).min() { next = min(next, due) }
            if next == now { next = now + .milliseconds(1) }
            now = next
        }
    }

    mutating func check() {
        if let lease = machine.lease, !storeAlive(lease, at: now) {
            violations.append("member of lease \(lease) at \(now) but the store expired it at \(String(describing: storeExpiry[lease]))")
        }
    }

    mutating func deliverDue() {
        while let index = pending.indices.filter({ pending[$0].at <= now }).min(by: { (pending[$0].at, pending[$0].seq) < (pending[$1].at, pending[$1].seq) }) {
            let message = pending.remove(at: index).message
            handle(message)
            check()
        }
    }

    mutating func handle(_ message: Message) {
        switch message {
        case .keepAliveArrives(let lease, let sentAt, let attempt):
            let found = storeAlive(lease, at: now)
            if found { storeExpiry[lease] = now + ttl + .milliseconds(extensionMs) }
            if !lost() { schedule(.keepAliveAnswer(lease: lease, sentAt: sentAt, ttl: found ? ttl : nil, attempt: attempt), at: now + delay()) }
        case .keepAliveAnswer(let lease, let sentAt, let ttl, let attempt):
            guard outstanding == attempt else { return }  // the driver dropped the call
            outstanding = nil
            if let ttl {
                machine.renewalConfirmed(lease: lease, sentAt: sentAt, ttl: ttl)
            } else {
                perform(machine.leaseNotFound(lease: lease, now: now))
            }
        case .grantArrives(let sentAt, let attempt):
            let lease = nextLease
            nextLease += 1
            storeExpiry[lease] = now + ttl
            if !lost() { schedule(.joinAnswer(lease: lease, sentAt: sentAt, attempt: attempt), at: now + delay()) }
        case .joinAnswer(let lease, let sentAt, let attempt):
            guard outstanding == attempt else { return }
            outstanding = nil
            if machine.joined(lease: lease, ttl: ttl, sentAt: sentAt) {
                joins.append(lease)
            } else {
                machine.attemptFailed()
            }
        case .giveUp(let attempt):
            guard outstanding == attempt else { return }
            outstanding = nil
            machine.attemptFailed()
        }
    }

    mutating func perform(_ actions: [MembershipMachine.Action]) {
        for action in actions {
            switch action {
            case .sendKeepAlive(let lease):
                attempt += 1
                outstanding = attempt
                machine.attemptSent(at: now)
                if !lost() { schedule(.keepAliveArrives(lease: lease, sentAt: now, attempt: attempt), at: now + delay()) }
                schedule(.giveUp(attempt: attempt), at: machine.fenceDeadline ?? now)
            case .join:
                attempt += 1
                outstanding = attempt
                machine.attemptSent(at: now)
                if !lost() { schedule(.grantArrives(sentAt: now, attempt: attempt), at: now + delay()) }
                schedule(.giveUp(attempt: attempt), at: now + ttl)
            case .selfFence(let lease):
                outstanding = nil
                fences.append((lease, now))
                if !storeAlive(lease, at: now) {
                    violations.append("fenced lease \(lease) at \(now), not before its expiry \(String(describing: storeExpiry[lease]))")
                }
            }
        }
    }
}
