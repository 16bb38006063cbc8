import VigilCluster
/// What the coordinator deletes and compacts to keep the cluster's history bounded (pure).
///
/// Events are kept by count (`events-keep`) and age (`events-max-age`); their keys sort by
/// time (`events/<µs>-<writer>`), so each bound is one range delete up to a key. etcd's
/// history of old revisions is compacted to the revision that was current
/// `history-retention` ago: the coordinator samples the revision as time passes and
/// compacts to the newest sample at least that old.
public struct HistoryRetention: Sendable {
    /// Revision samples: (when, on the coordinator's clock; the revision then), oldest first.
    public private(set) var samples: [(at: Duration, revision: Int64)] = []
    /// The revision compacted last (0: none).
    public private(set) var compacted: Int64 = 0

    /// Creates an empty history.
    public init() {}

    /// Records the current `revision` at `now` (one sample per call).
    public mutating func sample(revision: Int64, now: Duration) {
        guard revision > (samples.last?.revision ?? 0) else { return }
        samples.append((now, revision))
    }

    /// The revision to compact to at `now` with `retention` (nil: nothing new to compact);
    /// samples older than it are dropped.
    public mutating func compaction(now: Duration, retention: Duration) -> Int64? {
        guard let index = samples.lastIndex(where: { now - $0.at >= retention }) else { return nil }
        let revision = samples[index].revision
        samples.removeFirst(index)
        guard revision > compacted else { return nil }
        compacted = revision
        return revision
    }

    /// The first event key to keep by age: every key before it is older than `maxAge` at
    /// wall-clock `nowMilliseconds` (events/ + the cut-off time in µs, zero-padded).
    public static func ageCutoffKey(events: String, nowMilliseconds: Int64, maxAge: Duration) -> String {
        let ageMilliseconds = maxAge.components.seconds * 1000 + maxAge.components.attoseconds / 1_000_000_000_000_000
        let cutoff = max(0, nowMilliseconds - ageMilliseconds) * 1000
        let digits = String(cutoff)
        return events + String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// The end (exclusive) of the events to delete by count, given the newest `keep + 1`
    /// keys, newest first: everything up to and including the oldest of them (nil: there are
    /// no more than `keep`).
    public static func countCutoffEnd(newestFirst keys: [String], keep: Int) -> String? {
        guard keep >= 0, keys.count > keep else { return nil }
        return keys[keep] + "\u{0}"
    }
}
