/// A command to run: an argv vector, never a shell line.
///
/// Parameters reach the child only as separate arguments, environment variables or
/// standard input; nothing is ever interpreted by a shell.
public struct Command: Sendable, Hashable {
    /// The program: an absolute path, or a name looked up in `searchPath`.
    public var executable: String
    /// Arguments after the program name.
    public var arguments: [String]
    /// Variables set in the child's environment, over ``cleanEnvironment`` (or over this
    /// process's environment when `inheritEnvironment` is true).
    public var environment: [String: String]
    /// Whether the child starts from this process's environment. Off by default: the
    /// agent's environment (its settings, anything secret in it) is not the child's
    /// business, and nothing in it may steer the child.
    public var inheritEnvironment: Bool
    /// The child's working directory; `nil` keeps the caller's.
    public var workingDirectory: String?
    /// Bytes written to the child's standard input, which is then closed.
    public var standardInput: String
    /// How long the command may run before its whole process group is killed.
    public var timeout: Duration
    /// At most this many bytes of combined stdout/stderr are kept; the rest is counted
    /// and discarded.
    public var outputLimit: Int
    /// Directories searched when `executable` is not a path.
    public var searchPath: [String]
    /// The cgroup the command (and everything it starts) runs in; nil: this process's.
    public var cgroup: ResourceCgroup?

    /// What a child starts from unless it inherits: a fixed search path and the C locale,
    /// so fence agents, probes and tools behave the same whatever the agent was started with.
    public static let cleanEnvironment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"]

    /// Where programs named without a path are looked up unless told otherwise.
    public static let defaultSearchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// Creates a command.
    public init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        inheritEnvironment: Bool = false,
        workingDirectory: String? = nil,
        standardInput: String = "",
        timeout: Duration = .seconds(20),
        outputLimit: Int = 64 * 1024,
        searchPath: [String] = Command.defaultSearchPath,
        cgroup: ResourceCgroup? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.inheritEnvironment = inheritEnvironment
        self.workingDirectory = workingDirectory
        self.standardInput = standardInput
        self.timeout = timeout
        self.outputLimit = outputLimit
        self.searchPath = searchPath
        self.cgroup = cgroup
    }
}
