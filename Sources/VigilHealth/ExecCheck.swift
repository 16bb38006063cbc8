/// `exec: {command, expect-exit}` — runs a command (argv, no shell).
public struct ExecCheck: Sendable, Hashable {
    /// The argv vector.
    public var command: [String]
    /// The exit status that counts as a pass.
    public var expectExit: Int32
    /// Variables set for the command, over the fixed `PATH` and `LANG=C`
    /// (`Command.cleanEnvironment`); the agent's own environment is never passed on.
    public var environment: [String: String]

    /// Creates a check.
    public init(command: [String], expectExit: Int32 = 0, environment: [String: String] = [:]) {
        self.command = command
        self.expectExit = expectExit
        self.environment = environment
    }
}
