/// An action an executor can perform on a resource.
public enum AgentAction: String, Sendable, Hashable, CaseIterable {
    /// Start the resource.
    case start
    /// Stop the resource; stopping a stopped resource succeeds.
    case stop
    /// Report the resource's state (0 running, 7 stopped, 8 promoted, …).
    case monitor
    /// Promote a running instance of a promotable resource.
    case promote
    /// Demote a promoted instance.
    case demote
    /// Tell the instance about a clone-wide event (see `ActionRequest.notification`).
    case notify
    /// Print the agent's meta-data XML.
    case metaData = "meta-data"
    /// Check the configuration without touching the resource.
    case validate = "validate-all"

    /// Parses the CLI spelling (`meta-data`, `validate` or `validate-all`, …).
    public init?(cliName: String) {
        if cliName == "validate" {
            self = .validate
        } else if let action = AgentAction(rawValue: cliName) {
            self = action
        } else {
            return nil
        }
    }
}
