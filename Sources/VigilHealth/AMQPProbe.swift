import Foundation

/// `amqp` checks.
enum AMQPProbe {
    static func check(_ check: AMQPCheck, timeout: Duration) async -> ProbeResult {
        let password: String
        do { password = try SecretFile.read(check.passwordFile) } catch { return .fail("\(error)") }
        let payload = "vigil-probe-\(UUID().uuidString)"
        let outcome = await BlockingCall.run {
            AMQPClient.roundTrip(check, password: password, payload: payload, timeout: timeout)
        }
        return outcome ?? .fail("amqp \(check.host):\(check.port): cancelled")
    }
}
