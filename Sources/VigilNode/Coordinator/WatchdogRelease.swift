public import VigilCluster
/// When a lost node that runs a watchdog counts as stopped (pure): its lease has expired
/// (its member key is gone: that is when it became *lost*) and its published
/// `release-after` has passed since (zero when it stops feeding early enough to be reset
/// before its lease can expire). By then its watchdog has reset it if it could still run
/// anything exclusive (``WatchdogRule``).
///
/// The wait is the one the lost incarnation — or a later one of the same node, which
/// took the host's watchdog over — published (`nodes/<node>/watchdog`, written with its
/// member key; an incarnation without a watchdog deletes it). Times are on the observer's own monotonic clock: "lost since" is
/// when this agent first saw the node lost, which is never before its lease expired, so
/// the wait is never short. A lost incarnation that published no watchdog is not released
/// here: it waits for a fence, its own report or an operator.
public struct WatchdogRelease: Sendable, Hashable {
    /// Node → (incarnation, when it was first seen lost).
    public private(set) var lostSince: [String: Observed] = [:]

    /// When an incarnation was first seen lost.
    public struct Observed: Sendable, Hashable {
        /// The lost incarnation.
        public var incarnation: Int64
        /// When (observer's clock).
        public var at: Duration
    }

    /// Creates an empty tracker.
    public init() {}

    /// Records which `lost` nodes (node → lost incarnation) are newly lost at `now`.
    public mutating func observe(lost: [String: Int64], now: Duration) {
        for (node, incarnation) in lost where lostSince[node]?.incarnation != incarnation {
            lostSince[node] = Observed(incarnation: incarnation, at: now)
        }
        for node in lostSince.keys where lost[node] == nil { lostSince[node] = nil }
    }

    /// The lost nodes whose release wait (of `watchdogs`, as published) has passed at
    /// `now`, and the earliest time a still-waiting one will be due (nil: none waits).
    public func due(watchdogs: [String: ClusterView.PublishedWatchdog], now: Duration) -> (orders: [FenceOrder], next: Duration?) {
        var orders: [FenceOrder] = []
        var next: Duration?
        for (node, observed) in lostSince.sorted(by: { $0.key < $1.key }) {
            // The watchdog belongs to the host: one published by a later incarnation on it
            // (which took the device over, and probed what the lost one left) counts too.
            guard let published = watchdogs[node], published.incarnation >= observed.incarnation else { continue }
            let at = observed.at + published.releaseAfter
            if now >= at {
                orders.append(FenceOrder(node: node, member: observed.incarnation))
            } else {
                next = min(next ?? at, at)
            }
        }
        return (orders, next)
    }
}
