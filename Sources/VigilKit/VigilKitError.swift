/// The one error type VigilKit throws (besides the store's `VigilStoreError` and the
/// configuration's `VigilModelError`, passed through unchanged).
///
/// Match on ``code``; ``message`` is for people.
public struct VigilKitError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Hashable, Sendable {
            case invalidArgument, leadershipLost, staleToken, conflict, notFound
        }

        let base: Base

        /// An argument is malformed (a name with a `/`, an empty identity, a TTL too short).
        public static let invalidArgument = Code(base: .invalidArgument)
        /// The leadership was lost while its body ran (the session could not be renewed in
        /// time, or the leader key was deleted); the body was cancelled.
        public static let leadershipLost = Code(base: .leadershipLost)
        /// A write guarded by a fencing token was refused: the token is not the current
        /// leader's.
        public static let staleToken = Code(base: .staleToken)
        /// A change could not be made because of what another owner holds (a fragment that
        /// another one refers to, a name another owner already defines).
        public static let conflict = Code(base: .conflict)
        /// What was asked for does not exist.
        public static let notFound = Code(base: .notFound)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message (the code is for programs).
    public var description: String { message }
}
