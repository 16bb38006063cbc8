/// The error type of VigilHealth: invalid probe specs and unreadable secret files.
public struct HealthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An open set of error codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// A probe field is missing or malformed.
        public static let invalidSpec = Code("invalidSpec")
        /// A password file could not be read.
        public static let secretUnreadable = Code("secretUnreadable")
        /// The name of the code.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable message naming the probe or file (never a secret).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
