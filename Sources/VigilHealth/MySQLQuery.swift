/// One SQL statement on a MariaDB server, for callers other than probes (the Galera
/// executor reads `wsrep_%` status and sets `pc.bootstrap` with it). Runs on a thread of
/// its own (``BlockingCall``), bounded by `timeout`.
public enum MySQLQuery {
    /// Connects with `connection` (its password read from its password file at each call,
    /// never kept), runs `sql` and returns every row (NULL as nil). The failure is a
    /// message naming the target, the server's error number and text; the password never
    /// appears in it.
    public static func run(_ connection: MySQLConnection, sql: String, timeout: Duration) async -> Result<[[String?]], HealthError> {
        let password: String
        do { password = try SecretFile.read(connection.passwordFile) } catch {
            return .failure(error as? HealthError ?? HealthError(.secretUnreadable, "\(error)"))
        }
        let outcome = await BlockingCall.run { MySQLClient.query(connection, password: password, sql: sql, timeout: timeout) }
        switch outcome {
        case nil:
            return .failure(HealthError(.queryFailed, "\(connection.target): cancelled"))
        case .failure(let failure)?:
            return .failure(HealthError(.queryFailed, "\(connection.target): error \(failure.number): \(failure.message)", serverError: failure.number))
        case .success(let rows)?:
            return .success(rows)
        }
    }
}

