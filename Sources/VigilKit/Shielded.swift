/// Runs `cleanup` to the end even when the calling task was cancelled: a cancelled task's
/// store calls fail at once, and a scope's graceful end (resign, revoke, withdraw) is what
/// lets others go on without waiting out a TTL. When the task is not cancelled, `cleanup`
/// runs right here (in the caller's executor, as a simulation needs); when it is, in a
/// task of its own that this call awaits, so nothing outlives the scope.
func shielded(_ cleanup: @escaping @Sendable () async -> Void) async {
    if Task.isCancelled {
        let task = Task { await cleanup() }
        await task.value
    } else {
        await cleanup()
    }
}
