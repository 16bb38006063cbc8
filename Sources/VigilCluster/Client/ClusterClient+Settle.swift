public import VigilModel
import VigilScheduler

/// How far the cluster is from carrying out its plan: what `vigil config apply --wait` and
/// `vigil resource move --wait` show while they wait, and how they end.
public struct Settlement: Sendable, Hashable {
    /// The plan is carried out: a coordinator is elected, the scheduler plans nothing more
    /// on the live view, no instance is starting or stopping, and the caller's condition
    /// (if any) holds.
    public var settled: Bool
    /// The actions the scheduler still plans (`start web n2`), in its order.
    public var pending: [String]
    /// Instances under way (`web on n2: starting`) or waiting for their cluster (`db on n3:
    /// waiting: …`).
    public var busy: [String]
    /// Why it is not settled beyond actions: no coordinator, the caller's condition.
    public var blockers: [String]
    /// The status at this point.
    public var status: ClusterStatus

    /// One line for people: `settled`, or what is left.
    public var summary: String {
        if settled { return "settled" }
        var parts = blockers
        if !pending.isEmpty {
            let shown = pending.prefix(4).joined(separator: ", ")
            parts.append("\(pending.count) action\(pending.count == 1 ? "" : "s") left (\(shown)\(pending.count > 4 ? ", …" : ""))")
        }
        if !busy.isEmpty { parts.append(busy.prefix(3).joined(separator: "; ") + (busy.count > 3 ? "; …" : "")) }
        return parts.isEmpty ? "waiting" : parts.joined(separator: "; ")
    }
}

extension ClusterClient {
    /// How far `view` is from its plan (see ``Settlement``). `condition` adds a blocker when
    /// it returns one (nil: satisfied).
    public static func settlement(
        of view: ClusterView, now: Timestamp, condition: (@Sendable (ClusterView) -> String?)? = nil
    ) -> Settlement {
        let status = ClusterStatus(view: view)
        var blockers: [String] = []
        guard let config = view.config else {
            return Settlement(settled: false, pending: [], busy: [], blockers: ["no configuration is applied"], status: status)
        }
        if view.coordinator == nil { blockers.append("no coordinator is elected") }
        if view.members.isEmpty { blockers.append("no agent is a member") }
        let effective = StateBuilder.effectiveConfig(config, view: view)
        let transition = Scheduler.plan(config: effective, state: StateBuilder.state(from: view, config: config, now: now))
        var busy: [String] = []
        for node in status.nodeOrder {
            guard view.members[node] != nil, let statuses = view.status[node] else { continue }
            for resource in status.resourceOrder {
                guard let record = statuses[resource] else { continue }
                switch record.state {
                case .starting, .stopping: busy.append("\(resource) on \(node): \(record.state.rawValue)")
                default: if record.waiting == true { busy.append("\(resource) on \(node): waiting: \(record.message ?? "for its cluster")") }
                }
            }
        }
        if let condition, let blocker = condition(view) { blockers.append(blocker) }
        let pending = transition.actions.map(\.description)
        return Settlement(
            settled: blockers.isEmpty && pending.isEmpty && busy.isEmpty, pending: pending, busy: busy, blockers: blockers, status: status)
    }

    /// Watches the cluster until ``settlement(of:now:condition:)`` says it is settled, or
    /// `timeout` passes. `progress` is called with the first settlement and again whenever
    /// its summary changes. Returns the last settlement (settled or not).
    public func waitUntilSettled(
        timeout: Duration, now: @escaping @Sendable () -> Timestamp, condition: (@Sendable (ClusterView) -> String?)? = nil,
        progress: @escaping @Sendable (Settlement) async -> Void
    ) async throws -> Settlement {
        let clock = self.clock
        let latest = SettlementBox()
        return try await withThrowingTaskGroup(of: Settlement?.self) { group in
            group.addTask {
                var lastSummary: String?
                var result: Settlement?
                try await watchViews { view in
                    let settlement = Self.settlement(of: view, now: now(), condition: condition)
                    await latest.set(settlement)
                    if settlement.summary != lastSummary {
                        lastSummary = settlement.summary
                        await progress(settlement)
                    }
                    result = settlement
                    return settlement.settled
                }
                return result
            }
            group.addTask {
                try await clock.sleep(for: timeout, tolerance: nil)
                return nil
            }
            defer { group.cancelAll() }
            if let first = try await group.next(), let settlement = first { return settlement }
            if let last = await latest.value { return last }
            throw VigilClusterError(.timeout, "the cluster could not be read within \(timeout)")
        }
    }
}

/// The latest settlement seen, for the timeout's answer.
private actor SettlementBox {
    var value: Settlement?
    func set(_ settlement: Settlement) { value = settlement }
}
