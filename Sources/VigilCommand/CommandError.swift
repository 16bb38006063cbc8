/// The error thrown by the command runner and process supervision.
public struct CommandError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as an open set of codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The program does not exist or is not executable.
        public static let notInstalled = Code("notInstalled")
        /// The program exists but could not be started.
        public static let spawnFailed = Code("spawnFailed")
        /// A user or group named in the command does not exist.
        public static let unknownUser = Code("unknownUser")
        /// A file needed to run the command could not be opened.
        public static let fileError = Code("fileError")
        /// A cgroup could not be created, joined or emptied.
        public static let cgroupFailed = Code("cgroupFailed")
        /// A textual name for the code.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation, naming the program or file.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
