public import VigilCommand

/// Something that happened to a supervised process.
public struct ProcessEvent: Sendable, Hashable {
    /// The process id of the child.
    public var processID: Int32
    /// How it ended.
    public var termination: CommandResult.Termination
    /// Whether Vigil asked it to stop (`false`: it exited or crashed by itself).
    public var expected: Bool

    /// Creates an event.
    public init(processID: Int32, termination: CommandResult.Termination, expected: Bool) {
        self.processID = processID
        self.termination = termination
        self.expected = expected
    }
}
