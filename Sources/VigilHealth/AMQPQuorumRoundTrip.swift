import Foundation

/// The proof that a RabbitMQ node carries messages: a confirmed publish to a durable quorum
/// queue, then `basic.get` until that message comes back. A node whose quorum queue has
/// lost its majority NACKs the publish (or fails the get with 541), which `ping` and
/// `check_running` do not reveal.
public enum AMQPQuorumRoundTrip {
    /// Runs the round trip against `host:port` with `queue` (declared if missing). The
    /// password is read from `passwordFile` here, never logged. Bounded by `timeout`.
    public static func run(
        host: String, port: Int, vhost: String = "/", user: String, passwordFile: String?, queue: String, timeout: Duration
    ) async -> ProbeResult {
        let password: String
        do { password = try SecretFile.read(passwordFile) } catch { return .fail("\(error)") }
        let payload = "vigil-\(UUID().uuidString)"
        let started = ContinuousClock.now
        let outcome = await BlockingCall.run { () -> ProbeResult in
            do throws(AMQPSession.Failure) {
                let session = try AMQPSession(host: host, port: port, vhost: vhost, user: user, password: password, timeout: timeout)
                try session.declareQuorumQueue(queue)
                try session.publishConfirmed(payload, to: queue)
                // Earlier round trips cut short may have left messages behind: drain to ours.
                while ContinuousClock.now - started < timeout {
                    guard let body = try session.get(queue) else {
                        usleep(2000)
                        continue
                    }
                    if body == payload { return .pass("amqp \(session.target): confirmed publish and get on quorum queue \(queue)") }
                }
                return ProbeResult(passed: false, message: "amqp \(session.target): message not delivered within \(timeout)", timedOut: true)
            } catch {
                return ProbeResult(passed: false, message: error.description, timedOut: error.timedOut)
            }
        }
        var result = outcome ?? .fail("amqp \(host):\(port): cancelled")
        result.duration = ContinuousClock.now - started
        return result
    }
}
