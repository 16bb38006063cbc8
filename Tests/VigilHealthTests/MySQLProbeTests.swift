import Foundation
import Testing
import VigilHealth

@Suite("mysql and galera probes against MariaDB", .mariaDB, .serialized)
struct MySQLProbeTests {
    private var db: MariaDBServer {
        get throws { try #require(MariaDBServer.current) }
    }

    private func check(_ kind: ProbeKind, timeout: Duration = .seconds(3)) async throws -> ProbeResult {
        try await withHealthChecker { await $0.check(ProbeSpec(kind: kind, timeout: timeout)) }
    }

    private func tcp(port: Int? = nil, passwordFile: String? = nil) throws -> MySQLConnection {
        MySQLConnection(host: "127.0.0.1", port: try port ?? db.port, user: "monitor", passwordFile: try passwordFile ?? db.passwordFile)
    }

    @Test("a query over TCP and over the socket returns the expected value")
    func query() async throws {
        let overTCP = try await check(.mysql(MySQLCheck(connection: tcp(), query: "SELECT 1", expect: "1")))
        #expect(overTCP.passed, "\(overTCP.message)")
        let socket = MySQLConnection(socket: try db.socket, user: "monitor", passwordFile: try db.passwordFile)
        let overSocket = try await check(.mysql(MySQLCheck(connection: socket, query: "SELECT CONCAT('a', 'b')", expect: "ab")))
        #expect(overSocket.passed, "\(overSocket.message)")
        #expect(try await check(.mysql(MySQLCheck(connection: tcp(), query: "DO 1"))).passed)
    }

    @Test("wrong answer, bad SQL, bad credentials, unreadable password file")
    func wrongAnswers() async throws {
        let wrong = try await check(.mysql(MySQLCheck(connection: tcp(), query: "SELECT 1", expect: "2")))
        #expect(!wrong.passed && wrong.message.contains("'1', expected '2'"))
        let bad = try await check(.mysql(MySQLCheck(connection: tcp(), query: "SELEKT")))
        #expect(!bad.passed && bad.message.contains("1064"))
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("wrong.pass", "not-the-password\n")
        let denied = try await check(.mysql(MySQLCheck(connection: tcp(passwordFile: dir.file("wrong.pass")))))
        #expect(!denied.passed && denied.message.contains("1045"), "\(denied.message)")
        #expect(!denied.message.contains("m0n itor"))
        let unreadable = try await check(.mysql(MySQLCheck(connection: tcp(passwordFile: dir.file("missing.pass")))))
        #expect(!unreadable.passed && unreadable.message.contains("missing.pass"))
    }

    @Test("refused, and a server that accepts but never answers (bounded by the timeout)")
    func unreachable() async throws {
        let refused = try await check(.mysql(MySQLCheck(connection: tcp(port: freePort()))))
        #expect(!refused.passed && refused.message.contains("2002"), "\(refused.message)")
        let silent = try SilentServer()
        defer { silent.close() }
        let started = ContinuousClock.now
        let hung = try await check(.mysql(MySQLCheck(connection: tcp(port: silent.port))), timeout: .seconds(1))
        #expect(!hung.passed && hung.timedOut)
        #expect(ContinuousClock.now - started < .milliseconds(1500))
        let galera = try await check(.galera(GaleraCheck(connection: tcp(port: silent.port))), timeout: .seconds(1))
        #expect(!galera.passed)
    }

    @Test("the server goes away in the middle of a check")
    func stoppedMidCheck() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (proxy, port) = try await startProxy(dir: dir, to: try db.port, mode: "forward")
        #expect(try await check(.mysql(MySQLCheck(connection: tcp(port: port), expect: "1"))).passed)
        let started = ContinuousClock.now
        async let result = check(.mysql(MySQLCheck(connection: tcp(port: port), query: "SELECT SLEEP(20)", expect: "0")), timeout: .seconds(30))
        try await Task.sleep(for: .milliseconds(500))
        await proxy.stop()
        let stopped = try await result
        #expect(!stopped.passed)
        #expect(stopped.message.contains("2013") || stopped.message.contains("2006"), "\(stopped.message)")
        #expect(ContinuousClock.now - started < .seconds(5))
        let (cutProxy, cutPort) = try await startProxy(dir: dir, to: try db.port, mode: "cut")
        let cut = try await check(.mysql(MySQLCheck(connection: tcp(port: cutPort))))
        #expect(!cut.passed, "\(cut.message)")
        await cutProxy.stop()
    }

    @Test("galera preset: synced single-node cluster passes; a desynced donor passes only with accept-donor")
    func galera() async throws {
        let connection = try tcp()
        let synced = await eventually(within: .seconds(20)) {
            (try? await check(.galera(GaleraCheck(connection: connection))).passed) == true
        }
        #expect(synced)
        let result = try await check(.galera(GaleraCheck(connection: connection)))
        #expect(result.passed && result.message.contains("Synced"), "\(result.message)")
        try await db.sql("SET GLOBAL wsrep_desync=ON")
        // Probe once the server itself reports Donor/Desynced, not while the desync is
        // still going through the group.
        let state = { (try? await db.sql("SHOW GLOBAL STATUS LIKE 'wsrep_local_state'"))?.split(whereSeparator: \.isWhitespace).last }
        #expect(await eventually { await state() == "2" })
        let desynced = try await check(.galera(GaleraCheck(connection: connection)))
        #expect(!desynced.passed && desynced.message.contains("wsrep_local_state=2"), "\(desynced.message)")
        #expect(try await check(.galera(GaleraCheck(connection: connection, acceptDonor: true))).passed)
        try await db.sql("SET GLOBAL wsrep_desync=OFF")
        #expect(await eventually { (try? await check(.galera(GaleraCheck(connection: connection))).passed) == true })
    }
}
