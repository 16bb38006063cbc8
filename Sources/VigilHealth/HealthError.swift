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
        /// An SQL statement failed (``HealthError/serverError`` holds the MariaDB error number).
        public static let queryFailed = Code("queryFailed")
        /// The name of the code.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable message naming the probe or file (never a secret).
    public var message: String
    /// For `queryFailed`: the MariaDB client or server error number (e.g. 1047: the node
    /// is not in the Primary component); 0 when there is none.
    public var serverError: UInt32 = 0

    /// Creates an error.
    public init(_ code: Code, _ message: String, serverError: UInt32 = 0) {
        self.code = code
        self.message = message
        self.serverError = serverError
    }

    /// The message.
    public var description: String { message }
}
