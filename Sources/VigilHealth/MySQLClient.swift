import CMariaDB

/// Blocking MariaDB Connector/C calls; run only through `BlockingCall`.
enum MySQLClient {
    /// A failed connect or query: the client error number and message.
    struct Failure: Error {
        var number: UInt32
        var message: String
    }

    /// `mysql_library_init` must run once before threads use the library.
    private static let initialized: Bool = mysql_server_init(0, nil, nil) == 0

    /// Connects, runs `sql`, returns all rows (NULL as nil). Every socket operation is
    /// bounded by `timeout` rounded up to whole seconds plus one (connect, read,
    /// write): a backstop that frees the thread; the caller's deadline, at `timeout`,
    /// decides the result.
    static func query(_ connection: MySQLConnection, password: String, sql: String, timeout: Duration) -> Result<[[String?]], Failure> {
        guard initialized, let mysql = mysql_init(nil) else {
            return .failure(Failure(number: 0, message: "cannot initialise the MariaDB client library"))
        }
        defer { mysql_close(mysql) }
        // Clamped: validation bounds timeouts to 24 h, but a library caller may pass anything.
        var seconds = UInt32(clamping: timeout.ceilingSeconds + 1)
        mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &seconds)
        mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &seconds)
        mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &seconds)
        let connected = connection.socket.map { socket in
            mysql_real_connect(mysql, nil, connection.user, password, nil, 0, socket, 0)
        } ?? mysql_real_connect(mysql, connection.host, connection.user, password, nil, UInt32(connection.port), nil, 0)
        guard connected != nil else { return .failure(failure(mysql)) }
        guard mysql_real_query(mysql, sql, UInt(sql.utf8.count)) == 0 else { return .failure(failure(mysql)) }
        guard let result = mysql_store_result(mysql) else {
            if mysql_field_count(mysql) == 0 { return .success([]) }
            return .failure(failure(mysql))
        }
        defer { mysql_free_result(result) }
        let columns = Int(mysql_num_fields(result))
        var rows: [[String?]] = []
        while let row = mysql_fetch_row(result) {
            var values: [String?] = []
            values.reserveCapacity(columns)
            for index in 0..<columns {
                values.append(row[index].map { String(cString: $0) })
            }
            rows.append(values)
        }
        return .success(rows)
    }

    private static func failure(_ mysql: UnsafeMutablePointer<MYSQL>) -> Failure {
        Failure(number: mysql_errno(mysql), message: String(cString: mysql_error(mysql)))
    }
}
