/// One action to perform, with its timeout and context.
public struct ActionRequest: Sendable, Hashable {
    /// The action.
    public var action: AgentAction
    /// How long the action may take; past it the agent's process group is killed and
    /// the result is `genericError` with `timedOut` set.
    public var timeout: Duration
    /// For a recurring monitor, its interval (`OCF_RESKEY_CRM_meta_interval`); zero
    /// for one-off actions and probes.
    public var interval: Duration
    /// For `notify`: the `OCF_RESKEY_CRM_meta_notify_*` variables without that prefix
    /// (e.g. `type: pre`, `operation: start`, `start_uname: "n1 n2"`).
    public var notification: [String: String]

    /// Creates a request.
    public init(
        _ action: AgentAction, timeout: Duration = .seconds(20), interval: Duration = .zero,
        notification: [String: String] = [:]
    ) {
        self.action = action
        self.timeout = timeout
        self.interval = interval
        self.notification = notification
    }
}
