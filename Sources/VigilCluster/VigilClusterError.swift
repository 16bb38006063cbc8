/// The one error type thrown by VigilCluster (and by the agent runtime, VigilNode, above it).
///
/// Match on ``code``; ``message`` is for people and names the key, file or field at fault.
public struct VigilClusterError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Hashable, Sendable {
            case invalidConfiguration, noConfiguration, conflict, notFound, unsupported, invalidArgument, store, timeout
        }

        let base: Base

        /// A configuration (or a value derived from it) cannot be used.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// No configuration has been applied to the cluster yet.
        public static let noConfiguration = Code(base: .noConfiguration)
        /// A guarded write lost its compare repeatedly (someone else kept writing).
        public static let conflict = Code(base: .conflict)
        /// A named node or resource does not exist in the configuration.
        public static let notFound = Code(base: .notFound)
        /// A resource's agent kind cannot be run by this agent.
        public static let unsupported = Code(base: .unsupported)
        /// An argument is malformed.
        public static let invalidArgument = Code(base: .invalidArgument)
        /// The store failed (the cause is a `VigilStoreError`).
        public static let store = Code(base: .store)
        /// Something waited for did not happen in time (e.g. a resource did not stop).
        public static let timeout = Code(base: .timeout)

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
