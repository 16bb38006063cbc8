public import VigilCommand

/// An OCF resource agent instance: `agent: ocf:<provider>:<type>` plus its params.
public struct OCFAgentSpec: Sendable, Hashable {
    /// The resource (instance) name, exported as `OCF_RESOURCE_INSTANCE`.
    public var instance: String
    /// The provider, e.g. `heartbeat` or `pacemaker`.
    public var provider: String
    /// The agent type, e.g. `Dummy` or `IPaddr2`.
    public var type: String
    /// Instance parameters, exported as `OCF_RESKEY_<name>`. Names must be shell
    /// identifiers (letters, digits, `_`).
    public var parameters: [String: String]
    /// Secret instance parameters: name → file whose first line is the value, read at each
    /// action and exported as `OCF_RESKEY_<name>` (never logged).
    public var parameterFiles: [String: String] = [:]
    /// Clone/promotable meta attributes, or `nil` for a primitive.
    public var clone: CloneMeta?
    /// `OCF_ROOT`, `/usr/lib/ocf` on Debian.
    public var ocfRoot: String
    /// Extra environment variables (e.g. `PATH`, `HA_VARRUN` for tests).
    public var environment: [String: String]
    /// Bytes of agent output kept per action.
    public var outputLimit: Int
    /// Run the agent inside this named network namespace (`ip netns exec`); `nil` for
    /// the current one. Meant for labs and tests.
    public var namespace: String?
    /// The cgroup every action runs in (nil: the agent's own). Whatever the agent starts
    /// stays in it, so a stop can be escalated to killing all of it.
    public var cgroup: ResourceCgroup?

    /// Creates a spec.
    public init(
        instance: String, provider: String, type: String, parameters: [String: String] = [:],
        clone: CloneMeta? = nil, ocfRoot: String = "/usr/lib/ocf", environment: [String: String] = [:],
        outputLimit: Int = 64 * 1024, namespace: String? = nil
    ) {
        self.instance = instance
        self.provider = provider
        self.type = type
        self.parameters = parameters
        self.clone = clone
        self.ocfRoot = ocfRoot
        self.environment = environment
        self.outputLimit = outputLimit
        self.namespace = namespace
    }

    /// Parses `ocf:<provider>:<type>` (the `agent:` field) into an instance spec.
    ///
    /// - Throws: `AgentsError` (`invalidParameter`) when `agent` is not of that form.
    public init(instance: String, agent: String, parameters: [String: String] = [:]) throws {
        let parts = agent.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0] == "ocf", !parts[1].isEmpty, !parts[2].isEmpty,
            !parts[1].contains("/"), !parts[2].contains("/"), parts[1] != "..", parts[2] != ".."
        else {
            throw AgentsError(.invalidParameter, "\(instance): agent '\(agent)' is not of the form ocf:<provider>:<type>")
        }
        self.init(instance: instance, provider: parts[1], type: parts[2], parameters: parameters)
    }

    /// The agent script's path: `<ocfRoot>/resource.d/<provider>/<type>`.
    public var agentPath: String {
        "\(ocfRoot)/resource.d/\(provider)/\(type)"
    }

    /// Checks parameter names; returns one message per bad name.
    public func parameterNameProblems() -> [String] {
        parameters.keys.sorted().compactMap { name in
            let valid = !name.isEmpty && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
            } && !(name.utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? false)
            return valid ? nil : "\(instance): parameter name '\(name)' is not a valid OCF parameter name (letters, digits, _)"
        }
    }
}
