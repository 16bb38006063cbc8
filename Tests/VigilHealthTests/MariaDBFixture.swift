import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One MariaDB server for a suite: a single-node Galera cluster bootstrapped with
/// `--wsrep-new-cluster`, listening on 127.0.0.1 (SQL, Galera and IST on free ports)
/// and a socket, with its own datadir in a temp dir. Users: `monitor` (password in
/// `monitor.pass`).
struct MariaDBServer: Sendable {
    @TaskLocal static var current: MariaDBServer?

    let dir: TempDir
    let port: Int
    let server: Background

    var socket: String { dir.file("mysqld.sock") }
    var passwordFile: String { dir.file("monitor.pass") }
    var errorLog: String { dir.file("error.log") }

    static func start() async throws -> MariaDBServer {
        let dir = try TempDir("vigil-mariadb")
        let ports = try freePorts(4)
        let (port, galeraPort, istPort, sstPort) = (ports[0], ports[1], ports[2], ports[3])
        try dir.write(
            "my.cnf",
            """
            [mysqld]
            user=mysql
            datadir=\(dir.file("data"))
            socket=\(dir.file("mysqld.sock"))
            pid-file=\(dir.file("mysqld.pid"))
            log-error=\(dir.file("error.log"))
            port=\(port)
            bind-address=127.0.0.1
            skip-name-resolve
            innodb_buffer_pool_size=32M
            innodb_log_file_size=16M
            performance_schema=OFF
            binlog_format=ROW
            innodb_autoinc_lock_mode=2
            wsrep_on=ON
            wsrep_provider=/usr/lib/galera/libgalera_smm.so
            wsrep_cluster_name=vigil-test
            wsrep_cluster_address=gcomm://127.0.0.1:\(galeraPort)
            wsrep_node_address=127.0.0.1
            wsrep_sst_receive_address=127.0.0.1:\(sstPort)
            wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:\(galeraPort);ist.recv_addr=127.0.0.1:\(istPort);gcache.size=16M"
            wsrep_sst_method=rsync

            """)
        try dir.write("monitor.pass", "m0n itor'pw\n", mode: 0o600)
        try await sh(["/bin/chown", "-R", "mysql:mysql", dir.path])
        // The first initialisation on a fresh machine reads every system-table script and
        // fsyncs new InnoDB files from a cold disk (4 s here when warm): allow minutes.
        try await sh(
            [
                "/usr/bin/mariadb-install-db", "--defaults-file=\(dir.file("my.cnf"))", "--user=mysql", "--skip-test-db",
                "--wsrep-on=OFF", "--auth-root-authentication-method=socket",
            ], timeout: .seconds(180))
        let server = try await Background.start(
            "mariadbd", ["/usr/sbin/mariadbd", "--defaults-file=\(dir.file("my.cnf"))", "--wsrep-new-cluster"])
        let db = MariaDBServer(dir: dir, port: port, server: server)
        do {
            try await waitForPort(port, within: .seconds(120), server: server)
            // The SQL port opens before the node is a Primary, Synced component (error 1047).
            let ready = await eventually(within: .seconds(120)) {
                (try? await db.sql("SHOW GLOBAL STATUS LIKE 'wsrep_ready'"))?.contains("ON") == true
            }
            if !ready { throw TestFailure("wsrep_ready did not become ON") }
            try await db.sql(
                """
                CREATE USER 'monitor'@'127.0.0.1' IDENTIFIED BY 'm0n itor\\'pw';
                CREATE USER 'monitor'@'localhost' IDENTIFIED BY 'm0n itor\\'pw';
                """)
        } catch {
            let log = (try? String(contentsOfFile: db.errorLog, encoding: .utf8)) ?? ""
            await db.stop()
            throw TestFailure("MariaDB did not start: \(error)\n\(log.suffix(2000))")
        }
        return db
    }

    /// Runs SQL as root through the socket.
    @discardableResult
    func sql(_ statements: String) async throws -> String {
        try await sh(["/usr/bin/mariadb", "--socket=\(socket)", "-uroot", "-N", "-e", statements])
    }

    func stop() async {
        await server.stop(timeout: .seconds(30))
        dir.remove()
    }
}

/// Starts MariaDB once around a suite.
struct MariaDBTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try await MariaDBServer.start()
        do {
            try await MariaDBServer.$current.withValue(server) { try await function() }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

extension Trait where Self == MariaDBTrait {
    /// A single-node Galera MariaDB for the suite.
    static var mariaDB: Self { Self() }
}
