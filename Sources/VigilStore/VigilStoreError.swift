/// The one error type thrown by VigilStore.
///
/// Match on ``code`` (an opaque, extensible set of cases) rather than on the message,
/// which is for humans. ``cause`` carries the underlying error when there is one.
public struct VigilStoreError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Hashable, Sendable {
            case unavailable, timeout, compacted, leaseNotFound, conflict
            case invalidResponse, invalidArgument, auth, invalidConfiguration, persistence
        }

        let base: Base

        /// No endpoint could be reached, or etcd answered that it cannot serve the request
        /// (no leader, HTTP 503). A write that failed with this code before being sent was
        /// not applied; see ``timeout`` for the ambiguous case.
        public static let unavailable = Code(base: .unavailable)
        /// The per-request deadline passed. A write that times out may still have been
        /// applied: re-read, and guard writes with compares so a retry is idempotent.
        public static let timeout = Code(base: .timeout)
        /// The requested revision has been compacted away.
        public static let compacted = Code(base: .compacted)
        /// The lease does not exist (expired or revoked).
        public static let leaseNotFound = Code(base: .leaseNotFound)
        /// A guarded write lost its compare (used by convenience helpers; ``ClusterStore/txn(_:)``
        /// reports a lost compare as `succeeded == false` instead).
        public static let conflict = Code(base: .conflict)
        /// The server answered something that could not be understood.
        public static let invalidResponse = Code(base: .invalidResponse)
        /// The request was rejected as malformed (bad key, TTL, revision…).
        public static let invalidArgument = Code(base: .invalidArgument)
        /// Authentication failed or permission was denied.
        public static let auth = Code(base: .auth)
        /// The store configuration is unusable (no endpoints, unreadable certificate…).
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// The in-memory store could not read or write its state directory.
        public static let persistence = Code(base: .persistence)

        /// The code's name, e.g. `timeout`.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `code: message (cause)`.
    public var description: String {
        if let cause { return "\(code): \(message) (\(cause))" }
        return "\(code): \(message)"
    }
}
