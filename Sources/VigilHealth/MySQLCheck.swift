/// `mysql: {host, port, socket, user, password-file, query, expect}`.
public struct MySQLCheck: Sendable, Hashable {
    /// Where and as whom to connect.
    public var connection: MySQLConnection
    /// The query to run.
    public var query: String
    /// The value the first column of the first row must have; `nil`: the query
    /// only has to succeed.
    public var expect: String?

    /// Creates a check.
    public init(connection: MySQLConnection, query: String = "SELECT 1", expect: String? = nil) {
        self.connection = connection
        self.query = query
        self.expect = expect
    }
}
