/// Where a stopped Galera node's data stands: the cluster state UUID and the seqno of the
/// last transaction it committed (`grastate.dat`, else `mariadbd --wsrep-recover`).
public struct GaleraPosition: Sendable, Hashable, CustomStringConvertible {
    /// The all-zero UUID of a node that never joined a cluster.
    public static let zeroUUID = "00000000-0000-0000-0000-000000000000"

    /// The cluster state UUID.
    public var uuid: String
    /// The last committed seqno; -1 when unknown or none.
    public var seqno: Int64
    /// `safe_to_bootstrap: 1` in `grastate.dat`: the node left last, cleanly.
    public var safeToBootstrap: Bool
    /// The datadir holds no database yet (it gets one by bootstrap or SST).
    public var empty: Bool

    /// Creates a position.
    public init(uuid: String, seqno: Int64, safeToBootstrap: Bool = false, empty: Bool = false) {
        self.uuid = uuid
        self.seqno = seqno
        self.safeToBootstrap = safeToBootstrap
        self.empty = empty
    }

    /// The position of an uninitialised datadir.
    public static let none = GaleraPosition(uuid: zeroUUID, seqno: -1, empty: true)

    /// Whether the position names a transaction (a real UUID and a seqno of 0 or more).
    public var isKnown: Bool { uuid != Self.zeroUUID && seqno >= 0 }

    /// `uuid:seqno`, as `--wsrep_start_position` takes it.
    public var description: String { "\(uuid):\(seqno)" }

    /// Parses `grastate.dat` (`uuid:`, `seqno:`, `safe_to_bootstrap:` lines).
    public static func parseGrastate(_ text: String) -> GaleraPosition? {
        var uuid: String?
        var seqno: Int64?
        var safe = false
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "uuid": uuid = parts[1]
            case "seqno": seqno = Int64(parts[1])
            case "safe_to_bootstrap": safe = parts[1] == "1"
            default: break
            }
        }
        guard let uuid, let seqno else { return nil }
        return GaleraPosition(uuid: uuid, seqno: seqno, safeToBootstrap: safe)
    }

    /// The position in `mariadbd --wsrep-recover`'s log: the last
    /// `WSREP: Recovered position: <uuid>:<seqno>` line.
    public static func parseRecovered(_ log: String) -> GaleraPosition? {
        var found: GaleraPosition?
        for line in log.split(separator: "\n") {
            guard let range = line.range(of: "Recovered position:") else { continue }
            let value = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard let colon = value.lastIndex(of: ":"), let seqno = Int64(value[value.index(after: colon)...]) else { continue }
            found = GaleraPosition(uuid: String(value[..<colon]), seqno: seqno)
        }
        return found
    }
}
