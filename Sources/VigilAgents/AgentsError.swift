/// The error type of VigilAgents: invalid specs, unreadable files, malformed meta-data.
public struct AgentsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An open set of error codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// A parameter is missing or malformed.
        public static let invalidParameter = Code("invalidParameter")
        /// The agent's meta-data could not be obtained or parsed.
        public static let invalidMetadata = Code("invalidMetadata")
        /// A file (password file, log file) could not be read or opened.
        public static let fileError = Code("fileError")
        /// A fence device or agent is unknown.
        public static let unknownDevice = Code("unknownDevice")
        /// The watchdog device cannot be opened, set or fed.
        public static let watchdog = Code("watchdog")
        /// The name of the code.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable message naming the resource, parameter or file.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
