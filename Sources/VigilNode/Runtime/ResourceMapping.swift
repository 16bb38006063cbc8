public import VigilCluster
public import Logging
public import VigilAgents
public import VigilCommand
public import VigilHealth
public import VigilModel

/// Maps the configuration model onto the runtime specs of VigilAgents and VigilHealth.
public enum ResourceMapping {
    /// The executor for `resource` on this host; `instance` is the clone instance's number
    /// there (``ClusterConfig/cloneInstance(on:)``).
    public static func executor(
        for resource: ResourceConfig, nodeCount: Int, instance: Int = 0, runtimeDirectory: String, cgroup: ResourceCgroup? = nil,
        ocfRoot: String = "/usr/lib/ocf", shim: AttributeShim? = nil, logger: Logger
    ) throws(VigilClusterError) -> any ResourceExecutor {
        switch (resource.agent, resource.params) {
        case (.ocf, _):
            var spec = try ocfSpec(for: resource, nodeCount: nodeCount, instance: instance)
            spec.cgroup = cgroup
            spec.ocfRoot = ocfRoot
            do {
                return try OCFExecutor(spec: spec, runtimeDirectory: runtimeDirectory, shim: shim, logger: logger)
            } catch {
                throw VigilClusterError(.unsupported, "\(resource.name): \(error)")
            }
        case (.process, .process(let params)):
            var spec = processSpec(name: resource.name, params)
            spec.cgroup = cgroup
            return ProcessExecutor(spec: spec, logger: logger)
        case (.galera, .galera(let params)):
            guard let optionFile = params.config else {
                throw VigilClusterError(.invalidConfiguration, "\(resource.name): no option file for this node (params.config or node-params)")
            }
            var spec = GaleraSpec(
                name: resource.name, optionFile: optionFile, mariadbd: params.mariadbd, user: params.user, monitorUser: params.monitorUser,
                passwordFile: params.passwordFile, startTimeout: params.startTimeout, stopTimeout: params.stopTimeout,
                acceptDonor: params.acceptDonor)
            spec.cgroup = cgroup
            spec.consoleLog = runtimeDirectory + "/" + CgroupHierarchy.sanitized(resource.name) + "-mariadbd.log"
            return GaleraExecutor(spec: spec, logger: logger)
        case (.rabbitmq, .rabbitmq(let params)):
            return try rabbitMQExecutor(for: resource, params, runtimeDirectory: runtimeDirectory, cgroup: cgroup, logger: logger)
        case (.vip, .vip(let params)):
            return VIPExecutor(
                spec: VIPSpec(name: resource.name, ip: params.ip, cidr: params.cidr, interface: params.interface), logger: logger)
        default:
            throw VigilClusterError(.unsupported, "\(resource.name): agent \(resource.agent) cannot be run on this host yet")
        }
    }

    /// The executor of a `rabbitmq` resource whose params are resolved for this node
    /// (``ResourceConfig/resolved(on:)`` fills in the default Erlang node name).
    static func rabbitMQExecutor(
        for resource: ResourceConfig, _ params: RabbitMQParams, runtimeDirectory: String, cgroup: ResourceCgroup?, logger: Logger
    ) throws(VigilClusterError) -> RabbitMQExecutor {
        guard let nodename = params.nodename else {
            throw VigilClusterError(.invalidConfiguration, "\(resource.name): no Erlang node name resolved for this node")
        }
        guard let cookie = params.erlangCookieFile else {
            throw VigilClusterError(.invalidConfiguration, "\(resource.name): no erlang-cookie-file for this node")
        }
        let base = runtimeDirectory + "/" + CgroupHierarchy.sanitized(resource.name)
        var spec = RabbitMQSpec(
            name: resource.name, nodename: nodename, environment: params.environment, cookieFile: cookie,
            serverDirectory: params.serverDirectory, monitorUser: params.monitorUser, passwordFile: params.passwordFile,
            startTimeout: params.startTimeout, stopTimeout: params.stopTimeout, homeDirectory: base + "-rabbitmq-home")
        spec.cgroup = cgroup
        spec.consoleLog = base + "-rabbitmq-server.log"
        return RabbitMQExecutor(spec: spec, logger: logger)
    }

    /// Whether the kind runs processes of its own (and so gets a cgroup): OCF agents and
    /// supervised processes do; a VIP is only an address.
    public static func runsProcesses(_ resource: ResourceConfig) -> Bool {
        switch resource.agent {
        case .vip: false
        case .ocf, .process, .galera, .rabbitmq: true
        }
    }

    /// `ocf:*` resources: params as `OCF_RESKEY_*`, clone meta from the variant (`instance`:
    /// the clone instance's number on this host).
    public static func ocfSpec(for resource: ResourceConfig, nodeCount: Int, instance: Int = 0) throws(VigilClusterError) -> OCFAgentSpec {
        guard case .ocf(let provider, let type) = resource.agent else {
            throw VigilClusterError(.unsupported, "\(resource.name): not an OCF resource")
        }
        var parameters: [String: String] = [:]
        if case .other(let map) = resource.params {
            for (key, value) in map {
                guard let text = value.scalarText else {
                    throw VigilClusterError(
                        .invalidConfiguration, "\(resource.name): params.\(key) must be a scalar for an OCF agent, not \(value)")
                }
                parameters[key] = text
            }
        }
        var spec = OCFAgentSpec(instance: resource.name, provider: provider, type: type, parameters: parameters)
        spec.parameterFiles = resource.paramFiles
        switch resource.variant {
        case .primitive:
            break
        case .clone(let options):
            spec.clone = CloneMeta(instance: instance, cloneMax: options.max ?? nodeCount, cloneNodeMax: options.perNode, notify: options.notify)
        case .promotable(let options):
            spec.clone = CloneMeta(
                instance: instance, cloneMax: options.max ?? nodeCount, cloneNodeMax: options.perNode, promotable: true,
                promotedMax: options.promotedMax, notify: options.notify)
        }
        return spec
    }

    /// The process spec of a `process` resource.
    public static func processSpec(name: String, _ params: ProcessParams) -> ProcessSpec {
        var spec = ProcessSpec(
            name: name, command: params.command, environment: params.environment, workingDirectory: params.workingDirectory,
            user: params.user, logFile: params.logFile)
        spec.environmentFiles = params.environmentFiles
        return spec
    }

    /// The probes of `resource`.
    public static func probes(for resource: ResourceConfig) -> [ProbeSpec] {
        resource.health.map { probe in
            ProbeSpec(kind: kind(probe.check), interval: probe.interval, timeout: probe.timeout, rise: probe.rise, fall: probe.fall)
        }
    }

    /// The probe kind of a configured health check.
    public static func kind(_ check: HealthCheck) -> ProbeKind {
        switch check {
        case .tcp(let c):
            return .tcp(VigilHealth.TCPCheck(host: c.host, port: c.port))
        case .http(let c):
            var check = VigilHealth.HTTPCheck(
                url: c.url, expectStatus: c.expectStatus, expectBody: c.expectBody, headers: c.headers, caFile: c.caFile,
                insecure: c.insecure)
            check.headerFiles = c.headerFiles
            return .http(check)
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

    /// The MySQL connection of a configured endpoint.
    public static func connection(_ endpoint: SQLEndpoint) -> MySQLConnection {
        MySQLConnection(
            host: endpoint.host, port: endpoint.port, socket: endpoint.socket, user: endpoint.user,
            passwordFile: endpoint.passwordFile)
    }

    /// The runtime spec of a configured fence device.
    public static func fenceDevice(
        _ device: FenceDeviceConfig, searchPath: [String] = FenceDeviceSpec.defaultSearchPath
    ) -> FenceDeviceSpec {
        FenceDeviceSpec(
            name: device.name, agent: device.agent, parameters: device.params, passwordFile: device.passwordFile,
            nodes: device.nodes, plugs: device.plugs, timeout: device.timeout, searchPath: searchPath)
    }
}
