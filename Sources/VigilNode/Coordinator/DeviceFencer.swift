import VigilCluster
public import VigilAgents
public import VigilModel

/// Fences through the configuration's fence devices with their fence agents
/// (``FenceAgentRunner``): `reboot`, Pacemaker's default `stonith-action`, so the node
/// comes back clean.
public struct DeviceFencer: NodeFencer {
    private let runner: FenceAgentRunner
    private let action: FenceAction
    private let searchPath: [String]

    /// Creates a fencer running fence agents with `runner`, looked up in `searchPath`.
    public init(
        runner: FenceAgentRunner = FenceAgentRunner(), action: FenceAction = .reboot,
        searchPath: [String] = FenceDeviceSpec.defaultSearchPath
    ) {
        self.runner = runner
        self.action = action
        self.searchPath = searchPath
    }

    /// Runs the covering devices in configuration order until one succeeds.
    public func fence(_ node: String, config: ClusterConfig) async -> NodeFenceOutcome {
        let devices = config.fenceDevices.map { ResourceMapping.fenceDevice($0, searchPath: searchPath) }
        let attempts = await runner.fence(node, action: action, devices: devices)
        guard let last = attempts.last else {
            return NodeFenceOutcome(succeeded: false, device: nil, message: "no fence device covers \(node)")
        }
        let tried = attempts.map(\.device).joined(separator: ", ")
        if last.succeeded {
            return NodeFenceOutcome(
                succeeded: true, device: last.device, message: "\(action.rawValue) of \(node) by \(last.device) succeeded in \(last.duration)")
        }
        let output = last.output.split(separator: "\n").last.map(String.init) ?? ""
        let reason = last.timedOut ? "timed out" : "exit \(last.exitStatus.map(String.init) ?? "?")"
        return NodeFenceOutcome(
            succeeded: false, device: last.device, message: "\(action.rawValue) of \(node) failed (tried \(tried)): \(reason) \(output)")
    }
}
