/// The outcome of one fence agent call.
public struct FenceResult: Sendable, Hashable {
    /// A node's power state as reported by `status`.
    public enum PowerState: String, Sendable, Hashable {
        /// Exit 0 of `status`.
        case on
        /// Exit 2 of `status`.
        case off
        /// Anything else.
        case unknown
    }

    /// The device used.
    public var device: String
    /// The action.
    public var action: FenceAction
    /// The node (plug) targeted, if any.
    public var node: String?
    /// Whether the action succeeded (for `status`: the agent answered on or off).
    public var succeeded: Bool
    /// For `status`, the reported power state.
    public var powerState: PowerState?
    /// The agent's exit status, `nil` when it timed out, was killed or did not run.
    public var exitStatus: Int32?
    /// Whether the agent was killed at its timeout.
    public var timedOut: Bool
    /// What the agent printed (password values redacted), or why it did not run.
    public var output: String
    /// How long the call took.
    public var duration: Duration

    /// Creates a result.
    public init(
        device: String, action: FenceAction, node: String?, succeeded: Bool, powerState: PowerState? = nil,
        exitStatus: Int32? = nil, timedOut: Bool = false, output: String = "", duration: Duration = .zero
    ) {
        self.device = device
        self.action = action
        self.node = node
        self.succeeded = succeeded
        self.powerState = powerState
        self.exitStatus = exitStatus
        self.timedOut = timedOut
        self.output = output
        self.duration = duration
    }
}
