/// What a finished (or killed) command did.
public struct CommandResult: Sendable, Hashable {
    /// How the command ended.
    public enum Termination: Sendable, Hashable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal (not sent by the runner's timeout) ended it.
        case signaled(Int32)
        /// It outlived its timeout; its process group was killed.
        case timedOut
    }

    /// How the command ended.
    public var termination: Termination
    /// Combined standard output and error, at most `Command.outputLimit` bytes
    /// (invalid UTF-8 repaired).
    public var output: String
    /// Bytes of output beyond the limit that were discarded.
    public var discardedBytes: Int
    /// Wall-clock time from spawn to exit.
    public var duration: Duration
    /// The child's process id (also its process group id).
    public var processID: Int32

    /// Creates a result.
    public init(termination: Termination, output: String, discardedBytes: Int, duration: Duration, processID: Int32) {
        self.termination = termination
        self.output = output
        self.discardedBytes = discardedBytes
        self.duration = duration
        self.processID = processID
    }

    /// The exit status, or `nil` if the command was signaled or timed out.
    public var exitStatus: Int32? {
        if case .exited(let code) = termination { return code }
        return nil
    }
}
