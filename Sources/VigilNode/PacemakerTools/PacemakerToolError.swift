/// Why a Pacemaker tool call failed, with the exit status Pacemaker's tool would give
/// (agents test some of them: 105 is "no such attribute").
public struct PacemakerToolError: Error, Sendable {
    /// The exit status.
    public var status: Int32
    /// What is printed on standard error.
    public var message: String

    /// A failure with `status`.
    public init(status: Int32, _ message: String) {
        self.status = status
        self.message = message
    }

    /// Bad usage (Pacemaker's CRM_EX_USAGE, 64).
    init(usage message: String) {
        self.init(status: 64, message)
    }

    /// No such attribute (CRM_EX_NOSUCH, 105).
    static func noSuch(_ message: String) -> Self { Self(status: 105, message) }
    /// The tool cannot reach the cluster (CRM_EX_UNAVAILABLE, 69).
    static func unavailable(_ message: String) -> Self { Self(status: 69, message) }
    /// Something Vigil does not do (CRM_EX_UNIMPLEMENT_FEATURE, 3).
    static func unsupported(_ message: String) -> Self { Self(status: 3, message) }
}
