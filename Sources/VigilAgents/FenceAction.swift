/// An action of a fence agent (fence-agents convention, `action=` on stdin).
public enum FenceAction: String, Sendable, Hashable, CaseIterable {
    /// Power the node off.
    case off
    /// Power the node on.
    case on
    /// Power-cycle the node.
    case reboot
    /// Report the node's power state (exit 0 on, 2 off).
    case status
    /// Check that the fence device itself is reachable.
    case monitor
    /// List the plugs the device controls.
    case list
    /// Print the agent's meta-data XML.
    case metadata
}
