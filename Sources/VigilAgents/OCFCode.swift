/// An OCF return code, the result of every executor action.
///
/// Values follow the OCF resource agent API 1.1 (and Pacemaker's names in comments).
public enum OCFCode: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `OCF_SUCCESS`: the action succeeded (monitor: running, not promoted).
    case success = 0
    /// `OCF_ERR_GENERIC`: a generic failure (also used for timeouts and signals).
    case genericError = 1
    /// `OCF_ERR_ARGS`: invalid arguments.
    case invalidArguments = 2
    /// `OCF_ERR_UNIMPLEMENTED`: the action is not implemented.
    case unimplemented = 3
    /// `OCF_ERR_PERM`: insufficient privileges.
    case permissionDenied = 4
    /// `OCF_ERR_INSTALLED`: a program or file the resource needs is not installed.
    case notInstalled = 5
    /// `OCF_ERR_CONFIGURED`: the resource is misconfigured.
    case notConfigured = 6
    /// `OCF_NOT_RUNNING`: the resource is cleanly stopped.
    case notRunning = 7
    /// `OCF_RUNNING_PROMOTED`: running in the promoted role.
    case runningPromoted = 8
    /// `OCF_FAILED_PROMOTED`: failed in the promoted role.
    case failedPromoted = 9

    /// Maps an agent's exit status to a code; unknown statuses are `genericError`.
    public init(exitStatus: Int32) {
        self = OCFCode(rawValue: exitStatus) ?? .genericError
    }

    /// The OCF constant name, e.g. `OCF_NOT_RUNNING`.
    public var description: String {
        switch self {
        case .success: "OCF_SUCCESS"
        case .genericError: "OCF_ERR_GENERIC"
        case .invalidArguments: "OCF_ERR_ARGS"
        case .unimplemented: "OCF_ERR_UNIMPLEMENTED"
        case .permissionDenied: "OCF_ERR_PERM"
        case .notInstalled: "OCF_ERR_INSTALLED"
        case .notConfigured: "OCF_ERR_CONFIGURED"
        case .notRunning: "OCF_NOT_RUNNING"
        case .runningPromoted: "OCF_RUNNING_PROMOTED"
        case .failedPromoted: "OCF_FAILED_PROMOTED"
        }
    }
}
