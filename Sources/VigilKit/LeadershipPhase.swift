/// How one child of a leadership's term ended.
enum LeadershipPhase<Result: Sendable>: Sendable {
    /// The body ended, with its value or its error.
    case finished(Swift.Result<Result, any Error>)
    /// The leadership was lost, for this reason.
    case lost(String)
    /// A watcher ended without deciding (cancelled).
    case quiet
}
