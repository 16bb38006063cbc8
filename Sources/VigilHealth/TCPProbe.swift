import NIOCore
import NIOPosix

/// `tcp` checks: a TCP connect through SwiftNIO, closed at once.
enum TCPProbe {
    static func check(_ check: TCPCheck, group: any EventLoopGroup, timeout: Duration) async -> ProbeResult {
        let target = "\(check.host):\(check.port)"
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(max(1, Int64(timeout.inNanoseconds))))
        do {
            let channel = try await bootstrap.connect(host: check.host, port: check.port).get()
            try? await channel.close()
            return .pass("connected to \(target)")
        } catch {
            return .fail("\(target): \(ProbeErrors.describe(error))")
        }
    }
}
