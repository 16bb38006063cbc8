import AsyncHTTPClient
public import Logging
public import NIOCore
public import NIOPosix
import VigilCommand

/// Runs single checks of any kind. Holds what checks share (an event loop group, an
/// HTTP client with its connection pool, a command runner); create it with
/// `withHealthChecker`, which shuts it down on every path.
public struct HealthChecker: Sendable {
    let eventLoopGroup: any EventLoopGroup
    let httpClient: HTTPClient
    let runner: CommandRunner
    let clock: any Clock<Duration>
    let logger: Logger

    /// Runs one check of `probe`, bounded by `probe.timeout`. Never throws and never
    /// takes (much) longer than the timeout, whatever the server does.
    public func check(_ probe: ProbeSpec) async -> ProbeResult {
        let timeout = probe.timeout
        let result = await Deadline.run(timeout: timeout, clock: clock, what: probe.name) { [self] in
            switch probe.kind {
            case .tcp(let check): await TCPProbe.check(check, group: eventLoopGroup, timeout: timeout)
            case .http(let check): await HTTPProbe.check(check, client: httpClient, timeout: timeout)
            case .exec(let check): await ExecProbe.check(check, runner: runner, timeout: timeout)
            case .mysql(let check): await MySQLProbe.check(check, timeout: timeout)
            case .galera(let check): await MySQLProbe.check(check, timeout: timeout)
            case .amqp(let check): await AMQPProbe.check(check, timeout: timeout)
            }
        }
        logger.trace(
            "probe checked",
            metadata: ["probe": "\(probe.name)", "passed": "\(result.passed)", "duration": "\(result.duration)"])
        return result
    }
}

/// Creates a `HealthChecker`, passes it to `body`, and shuts it down afterwards.
///
/// - Parameters:
///   - eventLoopGroup: the NIO group for tcp and http checks (default: the shared
///     singleton).
///   - clock: the clock timeouts are measured on.
public func withHealthChecker<Result>(
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    clock: any Clock<Duration> = ContinuousClock(),
    logger: Logger = Logger(label: "vigil.health"),
    _ body: (HealthChecker) async throws -> Result
) async throws -> Result {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
    configuration.decompression = .disabled
    configuration.redirectConfiguration = .disallow
    let client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
    let checker = HealthChecker(
        eventLoopGroup: eventLoopGroup, httpClient: client, runner: CommandRunner(logger: logger, clock: clock),
        clock: clock, logger: logger)
    let result: Result
    do {
        result = try await body(checker)
    } catch {
        try? await client.shutdown()
        throw error
    }
    try await client.shutdown()
    return result
}
