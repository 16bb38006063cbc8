/// `galera: {host, port, socket, user, password-file, accept-donor}` — passes when
/// `wsrep_ready=ON`, `wsrep_connected=ON`, `wsrep_cluster_status=Primary` and
/// `wsrep_local_state=4` (Synced; or 2, Donor/Desynced, when `acceptDonor`).
public struct GaleraCheck: Sendable, Hashable {
    /// Where and as whom to connect.
    public var connection: MySQLConnection
    /// Whether a donor node counts as healthy.
    public var acceptDonor: Bool

    /// Creates a check.
    public init(connection: MySQLConnection, acceptDonor: Bool = false) {
        self.connection = connection
        self.acceptDonor = acceptDonor
    }
}
