/// A fence device (`fence-devices[]`): a fence agent and the nodes it can power off.
public struct FenceDeviceConfig: Sendable, Hashable {
    /// The device's name.
    public var name: String
    /// The fence agent's executable name or path (e.g. `fence_ipmilan`).
    public var agent: String
    /// `key=value` parameters passed on the agent's standard input.
    public var params: [String: String]
    /// File holding the password, passed as `password=`; never logged.
    public var passwordFile: String?
    /// Nodes this device fences.
    public var nodes: [String]
    /// Optional node → plug (port) names; absent: the node's name.
    public var plugs: [String: String]
    /// How long one agent run may take. Default 20 s.
    public var timeout: Duration

    /// Creates a fence device.
    public init(name: String, agent: String, params: [String: String] = [:], passwordFile: String? = nil,
                nodes: [String], plugs: [String: String] = [:], timeout: Duration = .seconds(20)) {
        self.name = name
        self.agent = agent
        self.params = params
        self.passwordFile = passwordFile
        self.nodes = nodes
        self.plugs = plugs
        self.timeout = timeout
    }
}
