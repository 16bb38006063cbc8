import VigilHealth

/// A running Galera node's state, from its `wsrep_%` status variables.
public struct GaleraNodeState: Sendable, Hashable {
    /// `wsrep_local_state`: 1 Joining, 2 Donor/Desynced, 3 Joined, 4 Synced (0: none).
    public var localState: Int
    /// `wsrep_local_state_comment` (e.g. `Synced`, `Donor/Desynced`, `Initialized`).
    public var comment: String
    /// `wsrep_cluster_status`: `Primary`, `non-Primary` or `Disconnected`.
    public var clusterStatus: String
    /// `wsrep_ready=ON`.
    public var ready: Bool
    /// `wsrep_cluster_size`.
    public var clusterSize: Int
    /// `wsrep_last_committed`.
    public var lastCommitted: Int64
    /// `wsrep_cluster_state_uuid`.
    public var stateUUID: String

    /// Creates a state.
    public init(
        localState: Int, comment: String, clusterStatus: String, ready: Bool, clusterSize: Int, lastCommitted: Int64,
        stateUUID: String
    ) {
        self.localState = localState
        self.comment = comment
        self.clusterStatus = clusterStatus
        self.ready = ready
        self.clusterSize = clusterSize
        self.lastCommitted = lastCommitted
        self.stateUUID = stateUUID
    }

    /// Reads the state from `SHOW STATUS LIKE 'wsrep_%'` rows (name, value; any order),
    /// parsed as the `galera` probe parses them (``GaleraStatus``).
    public init(rows: [[String?]]) {
        let values = GaleraStatus(rows: rows).values
        self.init(
            localState: values["wsrep_local_state"].flatMap { Int($0) } ?? 0,
            comment: values["wsrep_local_state_comment"] ?? "",
            clusterStatus: values["wsrep_cluster_status"] ?? "Disconnected",
            ready: values["wsrep_ready"]?.uppercased() == "ON",
            clusterSize: values["wsrep_cluster_size"].flatMap { Int($0) } ?? 0,
            lastCommitted: values["wsrep_last_committed"].flatMap { Int64($0) } ?? -1,
            stateUUID: values["wsrep_cluster_state_uuid"] ?? "")
    }

    /// In the Primary component.
    public var isPrimary: Bool { clusterStatus == "Primary" }
    /// Synced (state 4) and ready.
    public var isSynced: Bool { localState == 4 && ready }
    /// A donor (state 2) that still serves.
    public var isDonor: Bool { localState == 2 && ready }

    /// What an operator calls the state: `Synced`, `Donor`, `Joiner`, `Joined`,
    /// `Initialized` or `non-Primary`.
    public var name: String {
        if !isPrimary { return "non-Primary" }
        switch localState {
        case 4: return "Synced"
        case 2: return "Donor"
        case 1: return "Joiner"
        case 3: return "Joined"
        default: return comment.isEmpty ? "Initialized" : comment
        }
    }
}
