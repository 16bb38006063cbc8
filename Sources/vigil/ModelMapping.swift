import Logging
import VigilAgents
import VigilHealth
import VigilModel

/// Maps the configuration model onto the runtime specs of VigilAgents and VigilHealth.
enum ModelMapping {
    /// Warnings and errors of the libraries go to standard error, not standard output.
    static let logger: Logger = {
        var logger = Logger(label: "vigil", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        return logger
    }()

    /// The executor for `resource` on this host.
    static func executor(for resource: ResourceConfig, nodeCount: Int, runtimeDirectory: String) throws -> any ResourceExecutor {
        switch (resource.agent, resource.params) {
        case (.ocf, _):
            return try OCFExecutor(
                spec: ocfSpec(for: resource, nodeCount: nodeCount), runtimeDirectory: runtimeDirectory, logger: logger)
        case (.process, .process(let params)):
            return ProcessExecutor(spec: processSpec(name: resource.name, params), logger: logger)
        case (.vip, .vip(let params)):
            return VIPExecutor(
                spec: VIPSpec(name: resource.name, ip: params.ip, cidr: params.cidr, interface: params.interface), logger: logger)
        default:
            throw CLIError("\(resource.name): agent \(resource.agent) cannot be run by `vigil resource run` yet")
        }
    }

    /// `ocf:*` resources: params as `OCF_RESKEY_*`, clone meta from the variant.
    static func ocfSpec(for resource: ResourceConfig, nodeCount: Int) throws -> OCFAgentSpec {
        guard case .ocf(let provider, let type) = resource.agent else {
            throw CLIError("\(resource.name): not an OCF resource")
        }
        var parameters: [String: String] = [:]
        if case .other(let map) = resource.params {
            for (key, value) in map {
                guard let text = value.scalarText else {
                    throw CLIError("\(resource.name): params.\(key) must be a scalar for an OCF agent, not \(value)")
                }
                parameters[key] = text
            }
        }
        var spec = OCFAgentSpec(instance: resource.name, provider: provider, type: type, parameters: parameters)
        switch resource.variant {
        case .primitive:
            break
        case .clone(let options):
            spec.clone = CloneMeta(cloneMax: options.max ?? nodeCount, cloneNodeMax: options.perNode)
        case .promotable(let options):
            spec.clone = CloneMeta(
                cloneMax: options.max ?? nodeCount, cloneNodeMax: options.perNode, promotable: true,
                promotedMax: options.promotedMax)
        }
        return spec
    }

    static func processSpec(name: String, _ params: ProcessParams) -> ProcessSpec {
        ProcessSpec(
            name: name, command: params.command, environment: params.environment, workingDirectory: params.workingDirectory,
            user: params.user, logFile: params.logFile)
    }

    /// The probes of `resource`.
    static func probes(for resource: ResourceConfig) -> [ProbeSpec] {
        resource.health.map { probe in
            ProbeSpec(kind: kind(probe.check), interval: probe.interval, timeout: probe.timeout, rise: probe.rise, fall: probe.fall)
        }
    }

    static func kind(_ check: HealthCheck) -> ProbeKind {
        switch check {
        case .tcp(let c):
            return .tcp(VigilHealth.TCPCheck(host: c.host, port: c.port))
        case .http(let c):
            return .http(
                VigilHealth.HTTPCheck(
                    url: c.url, expectStatus: c.expectStatus, expectBody: c.expectBody, headers: c.headers, caFile: c.caFile,
                    insecure: c.insecure))
        case .exec(let c):
            return .exec(VigilHealth.ExecCheck(command: c.command, expectExit: c.expectExit))
        case .mysql(let c):
            return .mysql(VigilHealth.MySQLCheck(connection: connection(c.endpoint), query: c.query, expect: c.expect))
        case .galera(let c):
            return .galera(VigilHealth.GaleraCheck(connection: connection(c.endpoint), acceptDonor: c.acceptDonor))
        case .amqp(let c):
            return .amqp(
                VigilHealth.AMQPCheck(host: c.host, port: c.port, vhost: c.vhost, user: c.user, passwordFile: c.passwordFile))
        }
    }

    static func connection(_ endpoint: SQLEndpoint) -> MySQLConnection {
        MySQLConnection(
            host: endpoint.host, port: endpoint.port, socket: endpoint.socket, user: endpoint.user,
            passwordFile: endpoint.passwordFile)
    }

    /// The runtime spec of a configured fence device.
    static func fenceDevice(_ device: FenceDeviceConfig) -> FenceDeviceSpec {
        FenceDeviceSpec(
            name: device.name, agent: device.agent, parameters: device.params, passwordFile: device.passwordFile,
            nodes: device.nodes, plugs: device.plugs, timeout: device.timeout)
    }
}
