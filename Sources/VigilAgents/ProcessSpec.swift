public import VigilCommand

/// A supervised long-running command (`agent: process`).
public struct ProcessSpec: Sendable, Hashable {
    /// The resource name (for logs).
    public var name: String
    /// The argv vector; `command[0]` is a path or a name looked up in `PATH`.
    public var command: [String]
    /// Environment variables. The child does not inherit Vigil's environment; it gets
    /// `PATH` and `LANG=C` unless set here.
    public var environment: [String: String]
    /// Secret environment variables: name → file whose first line is the value, read at
    /// each start (``VigilCommand/SecretFile``); the values are never logged.
    public var environmentFiles: [String: String] = [:]
    /// The working directory (default `/`).
    public var workingDirectory: String?
    /// The user to run as (its primary group too); `nil` keeps Vigil's user.
    public var user: String?
    /// A file that receives stdout and stderr (appended); `nil` discards them. It is opened
    /// by the `vigil-cgexec` helper once it runs as `user`, never through a symbolic link:
    /// a file the user could not write is refused.
    public var logFile: String?
    /// The cgroup the command runs in (nil: the agent's own). Daemons it forks into
    /// sessions of their own stay in it.
    public var cgroup: ResourceCgroup?

    /// Creates a spec.
    public init(
        name: String, command: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
        user: String? = nil, logFile: String? = nil
    ) {
        self.name = name
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.user = user
        self.logFile = logFile
    }
}
