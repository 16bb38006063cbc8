/// `mysql` and `galera` checks.
enum MySQLProbe {
    static func check(_ check: MySQLCheck, timeout: Duration) async -> ProbeResult {
        let password: String
        do { password = try SecretFile.read(check.connection.passwordFile) } catch { return .fail("\(error)") }
        let target = check.connection.target
        let outcome = await BlockingCall.run {
            MySQLClient.query(check.connection, password: password, sql: check.query, timeout: timeout)
        }
        switch outcome {
        case nil:
            return .fail("mysql \(target): cancelled")
        case .failure(let failure)?:
            return .fail("mysql \(target): error \(failure.number): \(failure.message)")
        case .success(let rows)?:
            guard let expected = check.expect else { return .pass("mysql \(target): query succeeded") }
            guard let first = rows.first?.first else {
                return .fail("mysql \(target): query returned no value, expected '\(expected)'")
            }
            let value = first ?? "NULL"
            guard value == expected else {
                return .fail("mysql \(target): query returned '\(value)', expected '\(expected)'")
            }
            return .pass("mysql \(target): '\(value)'")
        }
    }

    static func check(_ check: GaleraCheck, timeout: Duration) async -> ProbeResult {
        let password: String
        do { password = try SecretFile.read(check.connection.passwordFile) } catch { return .fail("\(error)") }
        let target = check.connection.target
        let outcome = await BlockingCall.run {
            MySQLClient.query(check.connection, password: password, sql: "SHOW GLOBAL STATUS LIKE 'wsrep_%'", timeout: timeout)
        }
        switch outcome {
        case nil:
            return .fail("galera \(target): cancelled")
        case .failure(let failure)?:
            return .fail("galera \(target): error \(failure.number): \(failure.message)")
        case .success(let rows)?:
            let status = GaleraStatus(rows: rows)
            var result = status.evaluate(acceptDonor: check.acceptDonor)
            result.message = "galera \(target): " + result.message
            return result
        }
    }
}
