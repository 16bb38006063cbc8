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

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var inNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product &+ attoseconds / 1_000_000_000
    }

    /// Whole seconds, rounded up, at least 1 (for C APIs that take seconds).
    var ceilingSeconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}
